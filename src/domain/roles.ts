// The caller's role in a team, from the directory: guests first (always refused, even if some
// admin made one an owner), then the group's owners (cached briefly), then its members. Anyone
// else is an outsider, refused under every policy: a tenant user who reaches the bot from outside
// the team (a shared channel, a forged activity) is not one of its members, and people from other
// tenants are not found in this directory at all.
import type { GuestDirectory } from './directory';
import type { TeamRole } from './policy';
import { TtlCache } from './ttlCache';

export class TeamRoles {
  private readonly owners: TtlCache<string[]>;
  private readonly userTypes: TtlCache<'Member' | 'Guest' | 'unknown'>;
  private readonly members: TtlCache<boolean>;

  constructor(
    private readonly directory: GuestDirectory,
    ownersTtlMs = 60_000,
    now: () => number = Date.now,
  ) {
    this.owners = new TtlCache(ownersTtlMs, now);
    this.userTypes = new TtlCache(10 * 60_000, now);
    this.members = new TtlCache(ownersTtlMs, now);
  }

  ownerIds(groupId: string): Promise<string[]> {
    return this.owners.getOrLoad(groupId, () => this.directory.groupOwnerIds(groupId));
  }

  /** Re-reads the owners now: for decisions that must not rest on a stale list (approvals). */
  async freshOwnerIds(groupId: string): Promise<string[]> {
    this.owners.delete(groupId);
    return this.ownerIds(groupId);
  }

  async roleOf(groupId: string, userId: string | undefined, options: { fresh?: boolean } = {}): Promise<TeamRole> {
    if (!userId) return 'outsider';
    const type = await this.userTypes.getOrLoad(userId, async () => (await this.directory.getUser(userId))?.userType ?? 'unknown');
    if (type === 'unknown') return 'outsider';
    if (type === 'Guest') return 'guest';
    const owners = options.fresh ? await this.freshOwnerIds(groupId) : await this.ownerIds(groupId);
    if (owners.includes(userId)) return 'owner';
    const key = `${groupId}|${userId}`;
    if (options.fresh) this.members.delete(key);
    return (await this.members.getOrLoad(key, () => this.directory.isGroupMember(groupId, userId))) ? 'member' : 'outsider';
  }
}
