// Removing a guest from a team: owners only, asked, then confirmed once on a card.
//
// Who may be removed: any guest (userType Guest) who is a member of the team now, whether Guest
// Pass invited them or not: owners clean up their team's guests wherever they came from. Never a
// member of the tenant (people from your own organisation leave a team in Teams, not here) and
// never an owner (the Teams membership permission Guest Pass holds cannot remove owners).
//
// Everything is checked on the server at click time, never taken from card data: the caller is an
// owner now (a fresh read of the owners from Graph), the target is still a guest, and the request
// is still undecided. A request is decided once: the first Confirm (or Cancel) moves it on with a
// conditional write; any later click shows where it stands and does nothing again.
//
// Only the team membership goes. The guest's account stays in the directory (README, "Removing
// guests"): deleting accounts is an admin's decision, and Guest Pass does not hold the permission.
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit';
import { DirectoryError, type GuestDirectory } from '../directory';
import type { InvitationRecords } from '../invitation/records';
import type { Person } from '../team';
import type { TeamRef } from '../team';
import type { TeamRoles } from '../roles';
import { ConcurrencyError, type DocumentStore } from '../store';

export type RemovalState = 'pending' | 'removing' | 'removed' | 'notMember' | 'cancelled';

export interface RemovalRequest {
  id: string;
  groupId: string;
  teamId: string;
  email: string;
  userId: string;
  displayName: string;
  askedBy: Person;
  createdAt: string;
  state: RemovalState;
  decidedBy?: Person;
  decidedAt?: string;
}

const COLLECTION = 'removals';
/** A claim ('removing') older than this is taken to have died with its process: it may be claimed again. */
const STALE_CLAIM_MS = 60_000;

export class Removals {
  constructor(private readonly store: DocumentStore) {}

  private key = (groupId: string, id: string) => `${groupId}|${id}`;

  async create(request: RemovalRequest): Promise<void> {
    await this.store.put(COLLECTION, this.key(request.groupId, request.id), request, { ifNoneMatch: '*' });
  }

  async get(groupId: string, id: string): Promise<RemovalRequest | undefined> {
    return (await this.store.get<RemovalRequest>(COLLECTION, this.key(groupId, id)))?.value;
  }

  /** Applies `change` if `may` holds for the stored request; undefined when it does not, or another write won. */
  async transition(groupId: string, id: string, may: (r: RemovalRequest) => boolean, change: Partial<RemovalRequest>): Promise<RemovalRequest | undefined> {
    const doc = await this.store.get<RemovalRequest>(COLLECTION, this.key(groupId, id));
    if (!doc || !may(doc.value)) return undefined;
    const next = { ...doc.value, ...change };
    try {
      await this.store.put(COLLECTION, doc.key, next, { ifMatch: doc.etag });
      return next;
    } catch (e) {
      if (e instanceof ConcurrencyError) return undefined;
      throw e;
    }
  }
}

export interface RemovalDeps {
  directory: GuestDirectory;
  roles: TeamRoles;
  records: InvitationRecords;
  audit: AuditLog;
  removals: Removals;
  now: () => Date;
}

/** Why there is nothing to confirm. */
export type NoRemoval = 'callerNotOwner' | 'notFound' | 'notGuest' | 'notMember';

export type AskAnswer = { kind: 'refused'; reason: NoRemoval } | { kind: 'ask'; request: RemovalRequest };

/** `/remove <email>` and the result card's "Remove from team": the request to confirm, if there is anything to remove. */
export async function askRemoval(deps: RemovalDeps, team: TeamRef, caller: Person, email: string): Promise<AskAnswer> {
  if ((await deps.roles.roleOf(team.groupId, caller.id)) !== 'owner') return { kind: 'refused', reason: 'callerNotOwner' };
  const user = await deps.directory.findUserByEmail(email);
  if (!user) return { kind: 'refused', reason: 'notFound' };
  if (user.userType !== 'Guest') return { kind: 'refused', reason: 'notGuest' };
  if (!(await deps.directory.isGroupMember(team.groupId, user.id))) return { kind: 'refused', reason: 'notMember' };
  const request: RemovalRequest = {
    id: randomUUID(),
    groupId: team.groupId,
    teamId: team.teamId,
    email: email.toLowerCase(),
    userId: user.id,
    displayName: user.displayName,
    askedBy: caller,
    createdAt: deps.now().toISOString(),
    state: 'pending',
  };
  await deps.removals.create(request);
  return { kind: 'ask', request };
}

export type DecideAnswer =
  | { kind: 'refused'; reason: 'callerNotOwner' | 'notGuest' }
  | { kind: 'expired' }
  /** Decided before this click: nothing was done now. */
  | { kind: 'alreadyDecided'; request: RemovalRequest }
  | { kind: 'done'; request: RemovalRequest };

const claimable = (now: Date) => (r: RemovalRequest) =>
  r.state === 'pending' || (r.state === 'removing' && now.getTime() - Date.parse(r.decidedAt ?? r.createdAt) > STALE_CLAIM_MS);

/** Confirm: the removal, once. A Graph failure puts the request back to pending and is thrown. */
export async function confirmRemoval(deps: RemovalDeps, team: TeamRef, caller: Person, id: string): Promise<DecideAnswer> {
  const request = await deps.removals.get(team.groupId, id);
  if (!request) return { kind: 'expired' };
  if ((await deps.roles.roleOf(team.groupId, caller.id, { fresh: true })) !== 'owner') return { kind: 'refused', reason: 'callerNotOwner' };
  const now = deps.now();
  if (!claimable(now)(request)) return { kind: 'alreadyDecided', request };
  const user = await deps.directory.getUser(request.userId);
  if (user && user.userType !== 'Guest') return { kind: 'refused', reason: 'notGuest' };
  const claimed = await deps.removals.transition(team.groupId, id, claimable(now), { state: 'removing', decidedBy: caller, decidedAt: now.toISOString() });
  if (!claimed) return { kind: 'alreadyDecided', request: (await deps.removals.get(team.groupId, id)) ?? request };

  let result: 'removed' | 'notMember';
  try {
    // A user gone from the directory is in no team: nothing to remove.
    result = user ? await deps.directory.removeTeamMember(team.groupId, request.userId) : 'notMember';
  } catch (e) {
    await deps.removals.transition(team.groupId, id, (r) => r.state === 'removing', { state: 'pending', decidedBy: undefined, decidedAt: undefined });
    const trace = e instanceof DirectoryError ? e.trace : {};
    await deps.audit.append(auditEntry(team, caller, request, now, 'failed', { graphCode: trace.graphCode, requestId: trace.requestId }));
    throw e;
  }
  const done = (await deps.removals.transition(team.groupId, id, (r) => r.state === 'removing', { state: result })) ?? { ...claimed, state: result };
  await deps.records.update(team.groupId, request.email, (r) => ({ ...r, inGroup: false, removedAt: now.toISOString(), removedBy: caller, updatedAt: now.toISOString() }));
  await deps.audit.append(auditEntry(team, caller, request, now, result), `remove-${request.id}`);
  return { kind: 'done', request: done };
}

/** Cancel: owners only, once. */
export async function cancelRemoval(deps: RemovalDeps, team: TeamRef, caller: Person, id: string): Promise<DecideAnswer> {
  const request = await deps.removals.get(team.groupId, id);
  if (!request) return { kind: 'expired' };
  if ((await deps.roles.roleOf(team.groupId, caller.id, { fresh: true })) !== 'owner') return { kind: 'refused', reason: 'callerNotOwner' };
  const now = deps.now();
  const cancelled = await deps.removals.transition(team.groupId, id, (r) => r.state === 'pending', { state: 'cancelled', decidedBy: caller, decidedAt: now.toISOString() });
  if (!cancelled) return { kind: 'alreadyDecided', request: (await deps.removals.get(team.groupId, id)) ?? request };
  return { kind: 'done', request: cancelled };
}

function auditEntry(team: TeamRef, caller: Person, request: RemovalRequest, at: Date, outcome: string, extra: { graphCode?: string; requestId?: string } = {}) {
  return {
    at: at.toISOString(),
    groupId: team.groupId,
    teamId: team.teamId,
    actor: caller,
    action: 'remove' as const,
    subject: request.email,
    outcome,
    userId: request.userId,
    ...(extra.graphCode ? { graphCode: extra.graphCode } : {}),
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
  };
}
