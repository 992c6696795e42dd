// /audit: a short-lived download link to the team's audit log, for the owner who asked alone.
import { ownersViewCard, OWNER_VIEW_VERBS, type OwnersView } from '../cards';
import { shownAsText } from '../shownAsText';
import { audit } from '../teamTurn';
import { VERBS } from '../verbs';
import { command, verb } from './handler';
import { ownersView, postOwnersView } from './ownersView';

/** How long an /audit card hands out fresh download links to the owner who asked. */
const AUDIT_CARD_LIFETIME_MS = 60 * 60_000;

export const auditCommand = command('audit', async (turn) => {
  const o = turn.texts.ownersView;
  await postOwnersView(turn, turn.texts.audit.ownersOnly, async (team) => ({
    verb: OWNER_VIEW_VERBS.audit,
    data: { askedBy: team.caller.id, askedAt: turn.deps.invite.now().toISOString() },
    title: o.auditTitle,
    summary: o.askerOnly(shownAsText(team.caller.name, 'card')),
    // Only the asker: a link to the team's whole audit log goes to no one else's screen.
    refreshUserIds: await turn.deps.roster.teamsIdsOf(team.port, team.team.teamId, [team.caller.id]),
  }));
});

export const auditViewVerb = verb(VERBS.showAuditLink, async (turn, data) => {
  const { deps } = turn;
  const o = turn.texts.ownersView;
  const askedBy = typeof data.askedBy === 'string' ? data.askedBy : '';
  const askedAt = typeof data.askedAt === 'string' ? Date.parse(data.askedAt) : Number.NaN;
  const shared: OwnersView = {
    verb: OWNER_VIEW_VERBS.audit,
    data: { askedBy, askedAt: data.askedAt },
    title: o.auditTitle,
    summary: o.auditTitle,
    refreshUserIds: await deps.roster.teamsIdsOf(turn.port, turn.team.teamId, [askedBy]),
  };
  // The card names its asker; only the asker, still an owner, gets a link. Naming yourself in
  // forged card data gains nothing an owner could not get by typing /audit.
  if (askedBy !== turn.caller.id) return { card: ownersViewCard(turn.texts, { ...shared, summary: o.notAsker }) };
  if (!(deps.invite.now().getTime() - askedAt < AUDIT_CARD_LIFETIME_MS)) return { card: ownersViewCard(turn.texts, { ...shared, summary: o.auditCardExpired }) };
  return ownersView(turn, shared, async () => {
    const { path } = await deps.exports.grant(turn.team.groupId, turn.caller);
    await audit(turn, 'export', 'audit log', 'link issued');
    const url = `${deps.publicBaseUrl}${path}`;
    return { summary: turn.texts.audit.link(url, Math.round(deps.exports.ttlMs / 60_000)), linkUrl: url };
  });
});
