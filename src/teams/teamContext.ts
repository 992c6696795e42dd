// Where a turn happens and who sent it, read from the activity and from Teams itself.
import { teamDeepLink, type TeamRef } from '../domain/team';
import type { Person } from '../domain/team';
import { TtlCache } from '../domain/ttlCache';
import type { IncomingActivity, TurnPort } from './turn';

export type Place = { kind: 'team'; team: TeamRef } | { kind: 'personal' } | { kind: 'groupChat' };

interface TeamsChannelData {
  team?: { id?: string; name?: string; aadGroupId?: string };
  tenant?: { id?: string };
}

/** The activity's tenant; undefined (served by no one) when its two tenant fields disagree. */
export function tenantOf(activity: IncomingActivity): string | undefined {
  const channelData = activity.channelData as TeamsChannelData | undefined;
  const fromConversation = activity.conversation?.tenantId;
  const fromChannelData = channelData?.tenant?.id;
  if (fromConversation && fromChannelData && fromConversation !== fromChannelData) return undefined;
  return fromConversation ?? fromChannelData;
}

export function callerOf(activity: IncomingActivity): Person | undefined {
  const from = activity.from;
  // Teams sends the Entra object id as aadObjectId on activities (TeamsInfo calls say objectId).
  const id = from?.aadObjectId ?? (from as { objectId?: string } | undefined)?.objectId;
  return id ? { id, name: from?.name || 'someone' } : undefined;
}

export class TeamResolver {
  private readonly groups = new TtlCache<{ aadGroupId: string; name?: string }>(60 * 60_000);

  async placeOf(turn: TurnPort): Promise<Place> {
    const channelData = turn.activity.channelData as TeamsChannelData | undefined;
    const teamId = channelData?.team?.id;
    if (!teamId) {
      return turn.activity.conversation?.conversationType === 'personal' ? { kind: 'personal' } : { kind: 'groupChat' };
    }
    // channelData.team.id is a thread id; the Microsoft 365 group id comes from Teams (REFERENCE.md).
    const details = await this.groups.getOrLoad(teamId, async () => {
      const d = await turn.teamDetails(teamId);
      if (!d.aadGroupId) throw new Error('Teams did not return the team group id');
      return { aadGroupId: d.aadGroupId, name: d.name };
    });
    return {
      kind: 'team',
      team: {
        groupId: details.aadGroupId,
        teamId,
        teamName: details.name ?? channelData?.team?.name,
        deepLink: teamDeepLink(teamId, details.aadGroupId, tenantOf(turn.activity)),
      },
    };
  }
}
