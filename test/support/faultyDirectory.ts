// Faults at the directory port, for what the sandbox cannot do at its HTTP boundary: an
// invitation that takes effect and then fails ambiguously or never answers, a look-up that hangs.
import { DirectoryError, type GuestDirectory, type InvitationRequest } from '../../src/domain/directory';

export interface DirectoryFaults {
  /** Every look-up by address waits this long first (Graph hanging). */
  lookupDelayMs?: number;
  /** Every invitation waits this long before it is sent (a Retry-After being honoured). */
  inviteDelayMs?: number;
  /** After the real invitation took effect: fail as a timeout would (ambiguous), or never answer. */
  afterInvite?: 'ambiguous' | 'hang';
  /** How many invitations `afterInvite` applies to (default: all). */
  afterInviteTimes?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function withFaults(inner: GuestDirectory, faults: DirectoryFaults): GuestDirectory {
  return {
    findUserByEmail: async (email) => {
      if (faults.lookupDelayMs) await pause(faults.lookupDelayMs);
      return inner.findUserByEmail(email);
    },
    getUser: (id) => inner.getUser(id),
    getUsers: (ids) => inner.getUsers(ids),
    verifiedDomains: () => inner.verifiedDomains(),
    invite: async (request: InvitationRequest) => {
      if (faults.inviteDelayMs) await pause(faults.inviteDelayMs);
      const created = await inner.invite(request);
      const fault = faults.afterInvite;
      if (fault && (faults.afterInviteTimes === undefined || faults.afterInviteTimes-- > 0)) {
        if (fault === 'hang') await new Promise(() => undefined);
        throw new DirectoryError('unavailable', 'Gateway timeout after the invitation was created (injected)', { status: 504 }, undefined, true);
      }
      return created;
    },
    addGroupMember: (groupId, userId) => inner.addGroupMember(groupId, userId),
    removeTeamMember: (groupId, userId) => inner.removeTeamMember(groupId, userId),
    groupOwnerIds: (groupId) => inner.groupOwnerIds(groupId),
    isGroupMember: (groupId, userId) => inner.isGroupMember(groupId, userId),
  };
}
