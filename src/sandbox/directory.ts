// The tenant's directory state (users, groups, invitations, redeem tickets) and its persistence.
// Every mutation goes through this class so it can save after each change: the CLI sandbox keeps
// what the bot did across restarts, like a real tenant would.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  DirectorySnapshot,
  DirectoryState,
  InvitationRecord,
  SandboxGroup,
  SandboxUser,
  SeedData,
} from './types';

export const DEFAULT_SEED_FILE = join(__dirname, 'seed.json');

export function loadSeed(file = DEFAULT_SEED_FILE): SeedData {
  return JSON.parse(readFileSync(file, 'utf8')) as SeedData;
}

const clone = <T>(v: T): T => structuredClone(v);
const lower = (s: string | null | undefined): string => (s ?? '').toLowerCase();

function stateFromSeed(seed: SeedData): DirectoryState {
  const seededAt = '2026-01-01T00:00:00Z';
  return {
    users: seed.users.map((u) => ({
      id: u.id,
      displayName: u.displayName,
      mail: u.mail ?? null,
      otherMails: u.otherMails ?? [],
      userPrincipalName: u.userPrincipalName,
      userType: u.userType ?? 'Member',
      externalUserState: u.externalUserState ?? null,
      externalUserStateChangeDateTime: u.externalUserStateChangeDateTime ?? null,
      creationType: u.creationType ?? (u.userType === 'Guest' ? 'Invitation' : null),
      createdDateTime: u.createdDateTime ?? seededAt,
    })),
    groups: seed.groups.map((g) => clone(g)),
    invitations: [],
    tickets: {},
  };
}

export class Directory {
  private state: DirectoryState;

  constructor(
    private readonly seed: SeedData,
    private readonly dataFile?: string,
  ) {
    this.state = this.load();
  }

  private load(): DirectoryState {
    if (this.dataFile && existsSync(this.dataFile)) {
      const loaded = JSON.parse(readFileSync(this.dataFile, 'utf8')) as Partial<DirectoryState>;
      return { users: loaded.users ?? [], groups: loaded.groups ?? [], invitations: loaded.invitations ?? [], tickets: loaded.tickets ?? {} };
    }
    const fresh = stateFromSeed(this.seed);
    this.state = fresh;
    this.save();
    return fresh;
  }

  /** Temp file + rename: a crash mid-write leaves the previous complete file, never half a JSON. */
  private save(): void {
    if (!this.dataFile) return;
    mkdirSync(dirname(this.dataFile), { recursive: true });
    const tmp = `${this.dataFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    renameSync(tmp, this.dataFile);
  }

  reset(): void {
    this.state = stateFromSeed(this.seed);
    this.save();
  }

  snapshot(tenantId: string): DirectorySnapshot {
    return clone({ tenantId, users: this.state.users, groups: this.state.groups, invitations: this.state.invitations });
  }

  get users(): readonly SandboxUser[] {
    return this.state.users;
  }

  get groups(): readonly SandboxGroup[] {
    return this.state.groups;
  }

  userById(id: string): SandboxUser | undefined {
    const key = lower(id);
    return this.state.users.find((u) => u.id === key);
  }

  /** `/users/{id | userPrincipalName}`: Graph accepts either, UPN case-insensitively. */
  userByIdOrUpn(idOrUpn: string): SandboxUser | undefined {
    const key = lower(idOrUpn);
    return this.state.users.find((u) => u.id === key || lower(u.userPrincipalName) === key);
  }

  /** Who an invitation for this address would hit: mail, otherMails or the UPN. */
  userByEmail(email: string): SandboxUser | undefined {
    const key = lower(email);
    return this.state.users.find(
      (u) => lower(u.mail) === key || u.otherMails.some((m) => lower(m) === key) || lower(u.userPrincipalName) === key,
    );
  }

  groupById(id: string): SandboxGroup | undefined {
    const key = lower(id);
    return this.state.groups.find((g) => g.id === key);
  }

  createGuest(input: { email: string; displayName: string; upn: string; userType: 'Guest' | 'Member' }): SandboxUser {
    const now = new Date().toISOString();
    const user: SandboxUser = {
      id: randomUUID(),
      displayName: input.displayName,
      mail: input.email,
      otherMails: [],
      userPrincipalName: this.uniqueUpn(input.upn),
      userType: input.userType,
      externalUserState: 'PendingAcceptance',
      externalUserStateChangeDateTime: now,
      creationType: 'Invitation',
      createdDateTime: now,
    };
    this.state.users.push(user);
    this.save();
    return user;
  }

  /** Entra appends digits when a guest UPN is taken (e.g. two addresses differing only in case). */
  private uniqueUpn(upn: string): string {
    const taken = (c: string): boolean => this.state.users.some((u) => lower(u.userPrincipalName) === lower(c));
    if (!taken(upn)) return upn;
    const [local, domain] = upn.split('#EXT#@') as [string, string];
    for (let n = 1; ; n++) {
      const candidate = `${local}${n}#EXT#@${domain}`;
      if (!taken(candidate)) return candidate;
    }
  }

  newTicket(userId: string): string {
    const ticket = randomBytes(18).toString('base64url');
    this.state.tickets[ticket] = userId;
    this.save();
    return ticket;
  }

  userForTicket(ticket: string): SandboxUser | undefined {
    const id = this.state.tickets[ticket];
    return id ? this.userById(id) : undefined;
  }

  recordInvitation(inv: InvitationRecord): void {
    this.state.invitations.push(inv);
    this.save();
  }

  redeem(user: SandboxUser): void {
    user.externalUserState = 'Accepted';
    user.externalUserStateChangeDateTime = new Date().toISOString();
    this.save();
  }

  addMembers(group: SandboxGroup, userIds: string[]): void {
    group.members.push(...userIds);
    this.save();
  }

  removeMember(group: SandboxGroup, userId: string): void {
    group.members = group.members.filter((m) => m !== userId);
    this.save();
  }
}
