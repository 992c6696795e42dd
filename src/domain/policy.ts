// Who may invite, and which domains may be invited: decided on the server from the caller's
// identity and the directory, never from anything a card sends back.
import type { RefusalCode } from './errors';

export type TeamRole = 'owner' | 'member' | 'guest' | 'outsider';

/** INVITE_POLICY: `approval` (owners invite, members request), `owners`, or `members` (any non-guest). */
export type InvitePolicy = 'approval' | 'owners' | 'members';

export type InviteRight = { kind: 'invite' } | { kind: 'request' } | { kind: 'refuse'; code: RefusalCode };

export function inviteRight(role: TeamRole, policy: InvitePolicy): InviteRight {
  if (role === 'guest') return { kind: 'refuse', code: 'callerIsGuest' };
  if (role === 'owner') return { kind: 'invite' };
  if (role === 'outsider') return { kind: 'refuse', code: 'callerNotMember' };
  switch (policy) {
    case 'members':
      return { kind: 'invite' };
    case 'approval':
      return { kind: 'request' };
    case 'owners':
      return { kind: 'refuse', code: 'callerNotOwner' };
  }
}

/** `contoso.com` matches only itself; `*.contoso.com` matches its subdomains, not contoso.com. */
export function domainMatches(domain: string, pattern: string): boolean {
  const d = domain.toLowerCase();
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return d.endsWith(p.slice(1));
  return d === p;
}

export interface DomainRules {
  allowedDomains: string[];
  blockedDomains: string[];
}

export function domainRefusal(domain: string, rules: DomainRules): RefusalCode | undefined {
  if (rules.blockedDomains.some((p) => domainMatches(domain, p))) return 'domainBlocked';
  if (rules.allowedDomains.length > 0 && !rules.allowedDomains.some((p) => domainMatches(domain, p))) return 'domainNotAllowed';
  return undefined;
}
