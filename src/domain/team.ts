// What every feature shares: the team an action happens in, the person who acts, and where a
// card lives (opaque here: a host's conversation reference and the card's activity id).

/** Someone in Entra: their object id and display name. */
export interface Person {
  id: string;
  name: string;
}

/** A card to keep up to date: where it lives (written by the Teams host, opaque here) and its activity id. */
export interface CardRef {
  reference: Record<string, unknown>;
  activityId: string;
}

export interface TeamRef {
  groupId: string;
  teamId: string;
  teamName?: string;
  /** Where a guest lands after redemption when no redirect is configured. */
  deepLink: string;
}

/** The team's deep link: where a guest lands after redemption unless a redirect is configured. */
export function teamDeepLink(threadId: string, groupId: string, tenantId?: string): string {
  const tenant = tenantId ? `&tenantId=${encodeURIComponent(tenantId)}` : '';
  return `https://teams.microsoft.com/l/team/${encodeURIComponent(threadId)}/conversations?groupId=${encodeURIComponent(groupId)}${tenant}`;
}
