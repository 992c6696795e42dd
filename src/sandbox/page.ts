// Human-facing pages: a read-only overview of the directory (so a person can see what the bot
// changed) and the invitation redemption page a guest would open from the redeem link.
import type { DirectorySnapshot, SandboxUser } from './types';

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin-bottom:2rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;font-size:.9rem}th{background:#f3f3f3}
.Accepted{color:#107c10}.PendingAcceptance{color:#a4262c}code{font-size:.85rem}button{font-size:1rem;padding:.5rem 1rem}`;

function layout(title: string, body: string, refreshSeconds?: number): string {
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function overviewPage(snap: DirectorySnapshot, tenantName: string): string {
  const name = new Map(snap.users.map((u) => [u.id, u.displayName]));
  const who = (ids: string[]): string => ids.map((id) => esc(name.get(id) ?? id)).join(', ');
  const users = snap.users
    .map(
      (u: SandboxUser) =>
        `<tr><td>${esc(u.displayName)}</td><td>${esc(u.mail)}</td><td><code>${esc(u.userPrincipalName)}</code></td><td>${esc(u.userType)}</td>` +
        `<td class="${esc(u.externalUserState)}">${esc(u.externalUserState ?? '')}</td><td>${esc(u.externalUserStateChangeDateTime ?? '')}</td><td><code>${esc(u.id)}</code></td></tr>`,
    )
    .join('');
  const groups = snap.groups
    .map((g) => `<tr><td>${esc(g.displayName)}</td><td>${g.allowGuests ? 'yes' : 'no'}</td><td>${who(g.owners)}</td><td>${who(g.members)}</td><td><code>${esc(g.id)}</code></td></tr>`)
    .join('');
  const invitations = [...snap.invitations]
    .reverse()
    .map(
      (i) =>
        `<tr><td>${esc(i.createdDateTime)}</td><td>${esc(i.invitedUserEmailAddress)}</td><td>${i.resend ? 'resend' : 'new'}</td><td>${i.sendInvitationMessage ? 'yes' : 'no'}</td>` +
        `<td>${who(i.sponsors)}</td><td>${esc(i.customizedMessageBody ?? '')}</td><td><a href="${esc(i.inviteRedeemUrl)}">redeem link</a></td></tr>`,
    )
    .join('');
  return layout(
    `${tenantName}: sandbox tenant`,
    `<h1>${esc(tenantName)}</h1><p>Sandbox tenant <code>${esc(snap.tenantId)}</code>. Read-only view; refreshes every 5 s.</p>
<h2>Users</h2><table><tr><th>Name</th><th>Mail</th><th>UPN</th><th>Type</th><th>State</th><th>State changed</th><th>Id</th></tr>${users}</table>
<h2>Groups</h2><table><tr><th>Name</th><th>Guests allowed</th><th>Owners</th><th>Members</th><th>Id</th></tr>${groups}</table>
<h2>Invitations</h2><table><tr><th>When</th><th>Email</th><th>Kind</th><th>Email sent</th><th>Sponsors</th><th>Message</th><th>Link</th></tr>${invitations || '<tr><td colspan="7">none yet</td></tr>'}</table>`,
    5,
  );
}

export function redeemPage(ticket: string, user: SandboxUser | undefined, tenantName: string): string {
  if (!user) return layout('Invitation not found', '<h1>Invitation not found</h1><p>This invitation link is not valid.</p>');
  const state =
    user.externalUserState === 'Accepted'
      ? '<p>You have already accepted this invitation.</p>'
      : `<form method="post" action="/redeem"><input type="hidden" name="ticket" value="${esc(ticket)}"><button type="submit">Accept invitation</button></form>`;
  return layout(
    'Review permissions',
    `<h1>${esc(tenantName)} invited you</h1><p>Signed in as <strong>${esc(user.mail ?? user.userPrincipalName)}</strong> (${esc(user.displayName)}).</p>${state}`,
  );
}

export function redeemedPage(user: SandboxUser, redirectUrl: string | undefined): string {
  const next = redirectUrl ? `<p><a href="${esc(redirectUrl)}">Continue</a></p>` : '';
  return layout('Invitation accepted', `<h1>Invitation accepted</h1><p>${esc(user.displayName)} is now a guest of this organization.</p>${next}`);
}
