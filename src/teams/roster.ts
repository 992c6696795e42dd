// Who a card's user-specific view is for, in the ids Teams understands. Teams refreshes a card
// automatically only for the Teams user ids (MRIs, `29:…`) listed in `refresh.userIds`; Entra
// object ids there trigger nothing (REFERENCE.md, "User-specific views"). The domain knows people
// by their Entra object id, so the team's roster maps one to the other.
import type { Logger } from 'pino';
import type { TeamRoles } from '../domain/roles';
import { TtlCache } from '../domain/ttlCache';
import type { TurnPort } from './turn';

/** Teams refreshes a card for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

/** Someone in the team's roster: their Teams user id (MRI) and display name. */
export interface TeamMember {
  id: string;
  name: string;
}

export class TeamRoster {
  /** `{teamId}|{objectId}` → MRI and name, or null for someone the roster does not have. */
  private readonly ids = new TtlCache<TeamMember | null>(6 * 3_600_000);

  constructor(
    private readonly roles: TeamRoles,
    private readonly logger: Logger,
  ) {}

  /** Every activity names its sender both ways: learned without a call. */
  learn(turn: TurnPort, teamId: string | undefined): void {
    const from = turn.activity.from as { id?: string; name?: string; aadObjectId?: string } | undefined;
    if (teamId && from?.id && from.aadObjectId) this.ids.set(`${teamId}|${from.aadObjectId}`, { id: from.id, name: from.name ?? '' });
  }

  /**
   * The MRIs of these people in the team, in order, without duplicates, at most 60. People the
   * roster cannot map (left the team, or the roster call failed) are left out: they can still
   * press the card's button, which the server checks.
   */
  async teamsIdsOf(turn: TurnPort, teamId: string, objectIds: string[]): Promise<string[]> {
    const unique = [...new Set(objectIds.filter(Boolean))];
    const members = await Promise.all(unique.map((id) => this.memberOf(turn, teamId, id)));
    return [...new Set(members.filter((m): m is TeamMember => !!m).map((m) => m.id))].slice(0, MAX_REFRESH_USERS);
  }

  /** These people as Teams knows them (MRI and name), for @mentions; those the roster cannot map are left out. */
  async members(turn: TurnPort, teamId: string, objectIds: string[]): Promise<TeamMember[]> {
    const unique = [...new Set(objectIds.filter(Boolean))];
    const members = await Promise.all(unique.map((id) => this.memberOf(turn, teamId, id)));
    return members.filter((m): m is TeamMember => !!m && m.name !== '').slice(0, MAX_REFRESH_USERS);
  }

  /** The team's owners as Teams knows them (MRI and name), for @mentions; those the roster cannot map are left out. */
  async owners(turn: TurnPort, team: { teamId: string; groupId: string }): Promise<TeamMember[]> {
    const owners = await this.roles.ownerIds(team.groupId).catch(() => [] as string[]);
    const members = await Promise.all(owners.map((id) => this.memberOf(turn, team.teamId, id)));
    return members.filter((m): m is TeamMember => !!m && m.name !== '').slice(0, MAX_REFRESH_USERS);
  }

  /** The viewers of a card owners may see: `first` (the inviter, the asker) and the team's owners. */
  async ownersAnd(turn: TurnPort, team: { teamId: string; groupId: string }, first: string[]): Promise<string[]> {
    const owners = await this.roles.ownerIds(team.groupId).catch(() => [] as string[]);
    return this.teamsIdsOf(turn, team.teamId, [...first, ...owners]);
  }

  private async memberOf(turn: TurnPort, teamId: string, objectId: string): Promise<TeamMember | null> {
    try {
      return await this.ids.getOrLoad(`${teamId}|${objectId}`, async () => {
        // Teams' member API takes an Entra object id as well as an MRI; not in the team: null (cached).
        const member = await turn.teamMember(teamId, objectId);
        return member ? { id: member.id, name: member.name ?? '' } : null;
      });
    } catch (e) {
      this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'team roster not available; a user-specific view is left out');
      return null;
    }
  }
}
