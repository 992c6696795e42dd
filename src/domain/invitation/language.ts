// The language of Microsoft's invitation email (Graph's `invitedUserMessageInfo.messageLanguage`),
// a Graph parameter: it belongs to the invitation, not to the bot's text catalogue.
// Languages Microsoft's B2B invitation email is sent in (Entra's localized invitation templates).
const INVITATION_LANGUAGES = new Set(
  'ar bg cs da de el en es et fi fr he hi hr hu id it ja kk ko lt lv ms nb nl pl pt ro ru sk sl sr sv th tr uk vi zh'.split(' '),
);

/**
 * The invitation email's language (Graph's messageLanguage) for a Teams locale such as `fr-FR`,
 * where Microsoft has one; otherwise undefined, and Graph uses its default (en-US).
 */
export function invitationLanguage(locale?: string): string | undefined {
  const match = /^([a-z]{2})(?:-([A-Za-z]{2,4}))?$/.exec(locale ?? '');
  if (!match || !INVITATION_LANGUAGES.has(match[1]!)) return undefined;
  return match[2] ? `${match[1]}-${match[2].length === 2 ? match[2].toUpperCase() : match[2]}` : match[1];
}
