// Where guests stand: the record Guest Pass keeps, refreshed from the directory (state,
// redemption time, team membership), for /status and /guests.
import type { DirectoryUser, GuestDirectory } from '../directory';
import type { InvitationRecord, InvitationRecords } from '../invitation/records';
import { subjectStateOf, type SubjectState } from '../invitation/outcome';

export interface GuestStatus {
  email: string;
  displayName: string;
  record?: InvitationRecord;
  /** Absent when the directory has nobody with that address. */
  user?: DirectoryUser;
  state?: SubjectState;
  stateChangedAt?: string;
  inTeam: boolean;
}

export interface StatusDeps {
  directory: GuestDirectory;
  records: InvitationRecords;
}

/** Keeps the record in step with what the directory says now. */
async function refreshRecord(deps: StatusDeps, record: InvitationRecord, user: DirectoryUser, inTeam: boolean): Promise<void> {
  const state = subjectStateOf(user);
  if (record.state === state && record.inGroup === inTeam) return;
  await deps.records.update(record.groupId, record.email, (r) => ({
    ...r,
    state,
    stateChangedAt: user.externalUserStateChangeDateTime ?? r.stateChangedAt,
    inGroup: inTeam,
    updatedAt: new Date().toISOString(),
  }));
}

export async function guestStatus(deps: StatusDeps, groupId: string, email: string): Promise<GuestStatus> {
  const [record, user] = await Promise.all([deps.records.get(groupId, email), deps.directory.findUserByEmail(email)]);
  // Membership is a detail of the answer: if the directory cannot say, the record's last word stands.
  const inTeam = user ? await deps.directory.isGroupMember(groupId, user.id).catch(() => record?.inGroup ?? false) : false;
  if (record && user) await refreshRecord(deps, record, user, inTeam);
  return {
    email,
    displayName: user?.displayName ?? record?.displayName ?? email,
    record,
    user,
    state: user ? subjectStateOf(user) : record?.state,
    stateChangedAt: user?.externalUserStateChangeDateTime ?? record?.stateChangedAt,
    inTeam,
  };
}

export interface GuestPage {
  items: GuestStatus[];
  page: number;
  pages: number;
  total: number;
}

/**
 * This team's guests invited through Guest Pass, newest first, one page at a time. States come
 * from the directory in reads of 15 ids, not one call per guest.
 */
export async function teamGuests(deps: StatusDeps, groupId: string, page: number, pageSize = 20, only?: (record: InvitationRecord) => boolean): Promise<GuestPage> {
  // Guests Guest Pass brought in: not tenant members, and not people who were already in the team.
  const all = (await deps.records.listForGroup(groupId))
    .filter((r) => r.userId && r.state !== 'Member' && (r.invitationId !== undefined || r.outcome !== 'alreadyInTeam'))
    .filter((r) => !only || only(r))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const current = Math.min(Math.max(1, page), pages);
  const slice = all.slice((current - 1) * pageSize, current * pageSize);
  const users = new Map<string, DirectoryUser>();
  const ids = slice.map((r) => r.userId!);
  for (let i = 0; i < ids.length; i += 15) for (const u of await deps.directory.getUsers(ids.slice(i, i + 15))) users.set(u.id, u);
  const items = slice.map((record): GuestStatus => {
    const user = users.get(record.userId!);
    return {
      email: record.email,
      displayName: user?.displayName ?? record.displayName,
      record,
      user,
      state: user ? subjectStateOf(user) : record.state,
      stateChangedAt: user?.externalUserStateChangeDateTime ?? record.stateChangedAt,
      inTeam: record.inGroup,
    };
  });
  return { items, page: current, pages, total: all.length };
}

/** A record younger than this is shown as stored: Teams' automatic refresh right after the invitation needs no Graph round trip. */
export const FRESH_RECORD_MS = 10_000;

/**
 * An invitation's record as a card shows it again: as stored while it is fresh (or has no guest
 * yet), otherwise with the guest's state read from the directory now. A directory that cannot
 * answer leaves the stored record standing (background tracking catches up).
 */
export async function recordAsShown(deps: StatusDeps, record: InvitationRecord, now = Date.now()): Promise<InvitationRecord> {
  if (!record.userId || now - Date.parse(record.updatedAt) < FRESH_RECORD_MS) return record;
  const user = await deps.directory.getUser(record.userId).catch(() => undefined);
  if (!user) return record;
  const state = subjectStateOf(user);
  return (await deps.records.update(record.groupId, record.email, (r) => ({ ...r, state, stateChangedAt: user.externalUserStateChangeDateTime }))) ?? record;
}
