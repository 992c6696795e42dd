// Jeder Text, den Menschen lesen, auf Deutsch: dieselbe Gestalt wie en.ts (Texts), Schlüssel für
// Schlüssel. test/unit/texts.test.ts schlägt fehl, sobald hier ein Text fehlt oder eine Funktion
// andere Argumente nimmt als ihr englisches Gegenstück.
import type { Texts } from './en';
import { tenantDocsLink } from './docs';

const n = (value: number) => value.toLocaleString('de-DE');

export const de: Texts = {
  product: 'Guest Pass',
  when: (iso?: string) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : ''),
  help: [
    '**Guest Pass** holt externe Personen als Gäste in dieses Team.',
    '',
    '- `@Guest Pass /invite alice@fabrikam.com Alice Smith`: einen Gast einladen (Name optional, auch in Anführungszeichen).',
    '- `@Guest Pass invite`: die Einladungskarte öffnen.',
    '- Mehrere Zeilen nach `/invite`, eine pro Person (`E-Mail`, `E-Mail, Name` oder `Name <E-Mail>`): eine Sammeleinladung.',
    '- `/invite --resend alice@fabrikam.com`: eine neue Einladung (und ein neuer Einladungslink) für einen Gast, der noch nicht angenommen hat.',
    '- `@Guest Pass /status alice@fabrikam.com`: wo dieser Gast steht.',
    '- `@Guest Pass /guests`: die über Guest Pass eingeladenen Gäste dieses Teams (Besitzer).',
    '- `@Guest Pass /requests`: Einladungsanfragen, die auf einen Besitzer warten (Besitzer).',
    '- `@Guest Pass /audit`: ein Link zum Herunterladen des Überwachungsprotokolls dieses Teams als CSV (Besitzer).',
    '- `@Guest Pass /remove alice@fabrikam.com`: einen Gast aus diesem Team entfernen, nach Ihrer Bestätigung (Besitzer); sein Gastkonto bleibt bestehen.',
  ].join('\n'),
  helpCard: {
    title: 'Guest Pass: externe Personen als Gäste in dieses Team holen',
    intro: 'Erwähnen Sie Guest Pass in einem Teamkanal mit einem dieser Befehle:',
    commands: [
      { command: '/invite alice@fabrikam.com Alice Smith', what: 'Einen Gast einladen (der Name ist optional und darf in Anführungszeichen stehen).' },
      { command: 'invite', what: 'Die Einladungskarte öffnen.' },
      { command: '/invite sam@fabrikam.com tom@fabrikam.com', what: 'Mehrere Personen: Adressen durch Leerzeichen, Kommas oder Semikolons getrennt, oder eine pro Zeile (`E-Mail`, `E-Mail, Name`, `Name <E-Mail>`). Sie sehen die Liste, bevor etwas gesendet wird.' },
      { command: '/invite --resend alice@fabrikam.com', what: 'Ein neuer Einladungslink für einen Gast, der noch nicht angenommen hat.' },
      { command: '/status alice@fabrikam.com', what: 'Wo dieser Gast steht.' },
      { command: '/guests', what: 'Die über Guest Pass eingeladenen Gäste dieses Teams (Besitzer).' },
      { command: '/requests', what: 'Einladungsanfragen, die auf einen Besitzer warten, mit Genehmigen und Ablehnen (Besitzer).' },
      { command: '/audit', what: 'Ein Link zum Herunterladen des Überwachungsprotokolls dieses Teams als CSV (Besitzer).' },
      { command: '/remove alice@fabrikam.com', what: 'Einen Gast aus diesem Team entfernen, nach Ihrer Bestätigung (Besitzer); sein Gastkonto bleibt bestehen.' },
    ],
    policies: {
      approval: 'Wer hier einladen darf: Teambesitzer laden ein; die Einladung eines Mitglieds ist eine Anfrage, die ein Besitzer genehmigt.',
      owners: 'Wer hier einladen darf: nur Teambesitzer.',
      members: 'Wer hier einladen darf: jedes Mitglied des Teams (Gäste nie).',
    },
    owners: (names: string) => `Besitzer dieses Teams: ${names}.`,
  },
  welcome: {
    title: 'Guest Pass ist in diesem Team bereit',
    body: 'Guest Pass holt externe Personen als Microsoft Entra B2B-Gäste in dieses Team, ohne Ticket an die IT. Erwähnen Sie Guest Pass mit `/invite alice@fabrikam.com` oder `invite` für die Karte; `help` zeigt alles.',
  },
  personalChat:
    'Einladungen gibt es in einem Teamkanal: Erwähnen Sie Guest Pass dort mit `/invite alice@fabrikam.com`. Geben Sie `help` ein, um alles zu sehen, was ich kann.',
  unknownCommand: (word: string) => `„${word}“ kenne ich nicht. Geben Sie \`help\` ein, um zu sehen, was ich kann.`,
  unknownCommandClosest: (word: string, closest: string, example: string) =>
    `„${word}“ kenne ich nicht. Meinten Sie \`/${closest}\`? Zum Beispiel: \`@Guest Pass ${example}\`. Geben Sie \`help\` ein, um alles zu sehen, was ich kann.`,
  commandExamples: {
    invite: '/invite alice@fabrikam.com Alice Smith',
    status: '/status alice@fabrikam.com',
    guests: '/guests',
    requests: '/requests',
    audit: '/audit',
    help: 'help',
  },
  notInTeam: 'Einladungen gibt es in einem Teamkanal: Fügen Sie Guest Pass einem Team hinzu und erwähnen Sie es in einem seiner Kanäle.',
  teamUnknown:
    'Teams konnte mir nicht sagen, zu welcher Microsoft 365-Gruppe dieses Team gehört, daher wurde nichts getan. Versuchen Sie es in einer Minute erneut; wenn es so bleibt, installieren Sie Guest Pass in diesem Team neu.',
  somethingWentWrong: (ref: string) => `Auf meiner Seite ist etwas schiefgegangen, und nichts wurde geändert. Referenz: ${ref}.`,
  privateAnswerNeedsCurrentClient:
    'Die Antwort auf diese Schaltfläche ist nur für Sie, und dieser Teams-Client kann sie nicht privat anzeigen. Öffnen Sie Teams im Web oder in der Desktop-App und drücken Sie die Schaltfläche erneut.',
  cardExpired: 'Diese Karte ist veraltet. Geben Sie `@Guest Pass invite` für eine neue ein.',
  commandTooLong: (length: number, max: number) =>
    `Diese Nachricht ist zu lang für mich (${n(length)} Zeichen; ich lese höchstens ${n(max)}), daher wurde nichts getan. Senden Sie eine lange Liste in Teilen von höchstens 1.000 Zeilen.`,

  inviteCard: {
    title: 'Einen Gast in dieses Team einladen',
    intro: 'Der Gast erhält eine Microsoft Entra B2B-Einladung und kann das Team öffnen, sobald er sie annimmt.',
    email: 'E-Mail-Adresse',
    emailPlaceholder: 'alice@fabrikam.com',
    displayName: 'Anzeigename, bis zu 256 Zeichen',
    displayNamePlaceholder: 'Alice Smith (optional)',
    message: 'Persönliche Nachricht (optional), bis zu 1.000 Zeichen',
    messagePlaceholder: 'Erscheint auf dieser Karte und, wo Microsoft sie sendet, in der Einladungs-E-Mail',
    sendEmail: 'Die Einladungs-E-Mail von Microsoft senden',
    bulk: 'Oder mehrere Personen, eine pro Zeile (optional), bis zu 1.000 Zeilen',
    bulkPlaceholder: 'alice@fabrikam.com\nbob@fabrikam.com, Bob Jones\nCarol Diaz <carol@fabrikam.com>',
    submit: 'Einladen',
    requestIntro: 'Sie fragen die Besitzer des Teams: Dieses Formular sendet ihnen eine Anfrage, und der Gast wird eingeladen, sobald ein Besitzer sie genehmigt.',
    submitRequest: 'Einen Besitzer fragen',
  },

  fieldErrors: {
    emailRequired: 'Geben Sie eine gültige E-Mail-Adresse ein: Dieses Feld ist leer.',
    emailInvalid: 'Geben Sie eine gültige E-Mail-Adresse ein, etwa alice@fabrikam.com.',
    emailTooLong: 'Geben Sie eine gültige E-Mail-Adresse ein: Diese ist zu lang.',
    emailForbiddenCharacter:
      'Geben Sie eine gültige E-Mail-Adresse ein: Der Teil vor dem @ darf keine Leerzeichen und keines dieser Zeichen enthalten: ~ ! # $ % ^ & * ( ) + = [ ] { } \\ / | ; : " < > ? ,',
    emailDotOrDashAtEdge:
      'Geben Sie eine gültige E-Mail-Adresse ein: Der Teil vor dem @ darf nicht mit . oder - beginnen oder enden und keine zwei Punkte hintereinander haben.',
    emailDomainInvalid: 'Geben Sie eine gültige E-Mail-Adresse ein: Der Teil nach dem @ ist keine gültige Domäne.',
    displayNameTooLong: 'Der Anzeigename darf höchstens 256 Zeichen lang sein.',
    displayNameControlCharacter: 'Der Anzeigename darf keine Steuerzeichen enthalten.',
    displayNameIsEmail:
      'Ein Anzeigename kann keine E-Mail-Adresse sein. Um mehrere Personen einzuladen, schreiben Sie jede Adresse in eine eigene Zeile oder trennen Sie sie durch Leerzeichen, Kommas oder Semikolons.',
    messageTooLong: 'Die persönliche Nachricht darf höchstens 1.000 Zeichen lang sein.',
    bulkTooLong: 'Diese Liste ist zu lang: Fügen Sie höchstens 1.000 Zeilen (100.000 Zeichen) auf einmal ein.',
  },

  outcomeTitles: {
    invited: 'Eingeladen',
    reinvited: 'Erneut eingeladen',
    added: 'Hinzugefügt',
    alreadyInTeam: 'Bereits im Team',
    requested: 'Angefragt',
    pendingAdd: 'Hinzufügen ausstehend',
    inProgress: 'In Arbeit',
    refused: 'Abgelehnt',
    failed: 'Fehlgeschlagen',
  },

  outcomeSummaries: {
    invited: (name: string) => `Guest Pass hat ${name} als Gast eingeladen und diesem Team hinzugefügt. Das Team öffnen kann ${name}, sobald die Einladung angenommen ist.`,
    reinvited: (name: string) => `${name} hat eine neue Einladung und einen neuen Einladungslink; der frühere Link spielt keine Rolle mehr.`,
    added: (name: string) => `Guest Pass hat ${name} diesem Team hinzugefügt.`,
    alreadyInTeam: (name: string) => `${name} ist bereits Mitglied dieses Teams: nichts zu tun.`,
    requested: (name: string) => `Ihre Anfrage, ${name} einzuladen, wartet auf die Genehmigung eines Teambesitzers.`,
    pendingAdd: (name: string) =>
      `${name} ist eingeladen, aber Microsoft Entra hat den Gast noch nicht fertig angelegt, daher steht das Hinzufügen zum Team noch aus. Guest Pass versucht es weiter und aktualisiert diese Karte, sobald es erledigt ist.`,
    inProgress: (name: string) => `Die Einladung an ${name} läuft. Diese Karte wird aktualisiert, sobald sie abgeschlossen ist.`,
    refused: (name: string) => `${name} wurde nicht eingeladen.`,
    failed: (name: string) => `Die Einladung an ${name} hat nicht funktioniert.`,
  },

  refusedAfterInvitation: (name: string) => `${name} hat eine Gasteinladung in Ihre Organisation erhalten, konnte aber nicht zu diesem Team hinzugefügt werden.`,
  acceptedSummary: (name: string) => `${name} hat die Einladung angenommen und ist Mitglied dieses Teams.`,
  acceptedTitle: 'Angenommen',
  addedPendingTitle: 'Hinzugefügt: muss noch annehmen',
  addedPendingSummary: (name: string) =>
    `Guest Pass hat ${name} diesem Team hinzugefügt. Die Einladung in Ihre Organisation ist noch nicht angenommen; das Team öffnen kann ${name} erst danach.`,

  states: {
    PendingAcceptance: 'Annahme ausstehend',
    Accepted: 'Angenommen',
    Member: 'Mitglied Ihrer Organisation',
  },

  refusals: {
    notInTeam: () => 'Einladungen gibt es in einem Teamkanal.',
    callerIsGuest: () => 'Gäste können keine anderen Gäste einladen. Fragen Sie einen der Teambesitzer.',
    callerNotOwner: () => 'Nur Teambesitzer können Gäste in dieses Team einladen. Fragen Sie einen Teambesitzer, oder bitten Sie Ihren Administrator, die Einladungsrichtlinie zu ändern.',
    callerNotMember: () => 'Nur Mitglieder dieses Teams können Guest Pass hier verwenden.',
    callerUnknown: () => 'Ich konnte nicht erkennen, wer Sie sind, daher wurde nichts getan.',
    domainNotAllowed: (domain: string) =>
      `Adressen bei ${domain} stehen nicht auf der Liste der erlaubten Domänen Ihrer Organisation. Ihr Guest Pass-Administrator legt diese Liste fest (ALLOWED_DOMAINS).`,
    domainBlocked: (domain: string) => `Adressen bei ${domain} sind von Ihrer Organisation gesperrt. Ihr Guest Pass-Administrator legt diese Liste fest (BLOCKED_DOMAINS).`,
    groupForbidsGuests: () =>
      `Die Microsoft 365-Gruppe dieses Teams lässt keine Gäste zu. Ein Mandantenadministrator kann sie in den Einstellungen der Gruppe erlauben (AllowToAddGuests). ${tenantDocsLink('tenant-group-allow-guests')}`,
    tenantBlocksDomain: (domain: string) =>
      `Die B2B-Zusammenarbeitseinstellungen Ihrer Organisation erlauben keine Einladungen an ${domain}. Ein Mandantenadministrator kann die erlaubten oder gesperrten Domänen unter „Einstellungen für externe Zusammenarbeit“ in Microsoft Entra ändern. ${tenantDocsLink('tenant-collaboration-domains')}`,
    crossTenantBlocked: (domain: string) =>
      `Die Einladung an ${domain} wird durch mandantenübergreifende Zugriffseinstellungen blockiert. Ein Mandantenadministrator sollte Microsoft Entra > Externe Identitäten > Mandantenübergreifende Zugriffseinstellungen prüfen (Standard und je Organisation, B2B-Zusammenarbeit). ${tenantDocsLink('tenant-cross-tenant-access')}`,
    guestInvitationsDisabled: () =>
      `Gasteinladungen sind für Ihre Organisation ausgeschaltet. Ein Mandantenadministrator kann das unter „Einstellungen für externe Zusammenarbeit“ in Microsoft Entra ändern. ${tenantDocsLink('tenant-guest-invite-restrictions')}`,
    resendNotNeeded: () => 'Dieser Gast hat bereits eine Einladung angenommen: Es gibt nichts erneut zu senden.',
    resendNotInvitedHere: () =>
      'Dieser Gast wurde außerhalb von Guest Pass oder von einem anderen Team eingeladen, daher kann Guest Pass keinen neuen Einladungslink senden. Der Gast wurde diesem Team hinzugefügt; bitten Sie die Person, die eingeladen hat, oder Ihre IT, die Einladung erneut zu senden.',
  },

  failures: {
    suspiciousActivity: () =>
      'Microsoft hat Einladungen für Ihr Verzeichnis wegen verdächtiger Aktivitäten gesperrt. Nur der Microsoft-Support kann das aufheben; Guest Pass versucht es nicht erneut.',
    throttled: () => 'Microsoft Graph ist ausgelastet und hat um Verlangsamung gebeten. Es wurde nichts weiter getan; versuchen Sie es in einer Minute erneut.',
    missingPermission: (permission: string) =>
      permission === 'sign-in'
        ? `Guest Pass konnte sich nicht bei Microsoft Entra anmelden. Ein Mandantenadministrator sollte die App-Registrierung und die Anmeldeinformationen prüfen. ${tenantDocsLink('tenant-graph-permissions')}`
        : `Guest Pass fehlt die Microsoft Graph-Berechtigung ${permission || ', die es braucht'}. Ein Mandantenadministrator muss sie erteilen (Anwendungsberechtigung, mit Administratorzustimmung). ${tenantDocsLink('tenant-graph-permissions')}`,
    graphUnavailable: () => 'Microsoft Graph hat nicht geantwortet. Es wurde nichts weiter getan; versuchen Sie es in einigen Minuten erneut.',
    graphRejected: () => 'Microsoft Graph hat die Anfrage abgelehnt.',
    notConfirmed: () =>
      'Microsoft Graph hat die Einladung nicht bestätigt, und es gibt noch keinen Gast mit dieser Adresse. Guest Pass hat sie nicht erneut gesendet; es prüft in einigen Minuten noch einmal und aktualisiert diese Karte.',
    userNotFound: (domain: string) =>
      domain ? `${domain} gehört zu Ihrer Organisation, aber in Ihrem Verzeichnis gibt es niemanden mit dieser Adresse.` : 'Diese Person wurde in Ihrem Verzeichnis nicht gefunden.',
    unexpected: () => 'Etwas Unerwartetes ist schiefgegangen. Es wurde nichts weiter getan.',
  },

  status: {
    usage: 'Sagen Sie mir, wessen Status ich zeigen soll: `/status alice@fabrikam.com`.',
    membersOnly: 'Nur Mitglieder dieses Teams können fragen, wo seine Gäste stehen.',
    notFound: (email: string) => `${email} ist nicht in Ihrem Verzeichnis und wurde nicht über Guest Pass eingeladen.`,
    heading: (name: string, email: string) => `**${name}** (${email})`,
    invited: (when: string, by: string) => `- Über Guest Pass eingeladen am ${when} von ${by}`,
    notInvitedHere: '- Nicht über Guest Pass eingeladen',
    state: (state: string, since: string) => (since ? `- Status: ${state} (seit ${since})` : `- Status: ${state}`),
    inTeam: (yes: boolean) => `- Mitglied dieses Teams: ${yes ? 'ja' : 'nein'}`,
    lastOutcome: (outcome: string) => `- Letztes Ergebnis: ${outcome}`,
    removed: (when: string, by: string) => `- Am ${when} von ${by} aus diesem Team entfernt`,
  },

  removal: {
    usage: 'Sagen Sie mir, welchen Gast ich aus diesem Team entfernen soll: `/remove alice@fabrikam.com`.',
    refusals: {
      callerNotOwner: 'Nur die Besitzer dieses Teams können Gäste daraus entfernen.',
      notFound: (email: string) => `${email} ist nicht in Ihrem Verzeichnis: Es gibt niemanden zu entfernen.`,
      notGuest: (email: string) => `${email} ist kein Gast: Guest Pass entfernt nur Gäste aus einem Team.`,
      notMember: (email: string) => `${email} ist kein Mitglied dieses Teams: Es gibt nichts zu entfernen.`,
    },
    confirmTitle: (name: string) => `${name} aus diesem Team entfernen?`,
    confirmText: (name: string, email: string) =>
      `${name} (${email}) verliert sofort den Zugriff auf die Kanäle, Dateien und Besprechungen dieses Teams. Das Gastkonto bleibt in Ihrem Verzeichnis; nur Ihr Administrator kann es löschen.`,
    askedBy: (name: string) => `Angefragt von ${name}. Nur die Bestätigung eines Besitzers zählt.`,
    confirm: 'Bestätigen',
    cancel: 'Abbrechen',
    removedTitle: 'Aus dem Team entfernt',
    removed: (name: string, by: string, when: string) => `${name} wurde am ${when} von ${by} aus diesem Team entfernt. Das Gastkonto bleibt in Ihrem Verzeichnis.`,
    notMemberAnyMore: (name: string) => `${name} war nicht mehr in diesem Team: Es wurde nichts entfernt.`,
    cancelledTitle: 'Entfernen abgebrochen',
    cancelled: (name: string, by: string) => `${by} hat das Entfernen von ${name} abgebrochen. Es wurde nichts geändert.`,
    inProgress: (name: string) => `${name} wird gerade durch den Klick eines anderen Besitzers entfernt. Es wurde nichts weiter getan.`,
    expired: 'Diese Karte zum Entfernen ist veraltet. Geben Sie `@Guest Pass /remove alice@fabrikam.com` für eine neue ein.',
    stillGuestOnly: 'Diese Person ist kein Gast mehr: Guest Pass entfernt nur Gäste. Es wurde nichts geändert.',
  },

  guests: {
    ownersOnly: 'Nur die Besitzer dieses Teams können seine Gäste auflisten.',
    none: 'Über Guest Pass wurden noch keine Gäste in dieses Team eingeladen.',
    heading: (total: number, page: number, pages: number) => `**${n(total)} ${total === 1 ? 'Gast' : 'Gäste'} über Guest Pass eingeladen** (Seite ${page} von ${pages})`,
    line: (name: string, email: string, state: string, when: string, by: string, inTeam: boolean) =>
      `- ${name} (${email}): ${state}${inTeam ? '' : ', nicht im Team'}; eingeladen ${when} von ${by}`,
    more: (next: number) => `Mehr: \`/guests ${next}\``,
  },

  lifecycle: {
    reviewTitle: 'Gastprüfung fällig',
    reviewReminderTitle: 'Erinnerung: Gastprüfung noch offen',
    reviewSummary: (guest: string) => `Soll ${guest} in diesem Team bleiben? Guest Pass hat den Gast eingeladen, und seine Prüfung ist fällig.`,
    deciders: (mentions: string) => `Zu entscheiden: ${mentions}.`,
    buttonsNote: 'Behalten und Entfernen sehen die hier Genannten; entscheiden können nur die Besitzer dieses Teams.',
    keep: 'Für einen weiteren Zeitraum behalten',
    removeNow: 'Jetzt entfernen',
    guest: 'Gast',
    email: 'E-Mail',
    invitedBy: 'Eingeladen von',
    reviewDue: 'Prüfung fällig',
    nextReview: 'Nächste Prüfung',
    keptTitle: 'Gast behalten',
    keptSummary: (by: string, guest: string) => `${by} hat ${guest} für einen weiteren Prüfzeitraum in diesem Team behalten.`,
    removedTitle: 'Gast entfernt',
    removedSummary: (by: string, guest: string) => `${by} hat ${guest} aus diesem Team entfernt.`,
    expiredTitle: 'Gast entfernt: Prüfung unbeantwortet',
    expiredSummary: (guest: string, email: string) =>
      `${guest} wurde aus diesem Team entfernt, weil niemand die Prüfung oder ihre Erinnerung beantwortet hat. Rückgängig machen: den Gast erneut einladen, \`@Guest Pass /invite ${email}\`.`,
    pendingTitle: 'Gast hat noch nicht angenommen',
    pendingSummary: (mention: string, guest: string) =>
      `${mention}: ${guest} hat die Einladung in dieses Team noch nicht angenommen. Senden Sie einen neuen Einladungslink, oder ziehen Sie den Gast aus dem Team zurück.`,
    resend: 'Erneut senden',
    withdraw: 'Zurückziehen',
    withdrawnTitle: 'Einladung zurückgezogen',
    withdrawnSummary: (by: string, guest: string) => `${by} hat ${guest} zurückgezogen: Der Gast ist nicht mehr in diesem Team.`,
    onlyOwners: 'Nur die Besitzer dieses Teams können über die Prüfung eines Gasts entscheiden.',
    onlyOwnersOrInviter: 'Nur die Besitzer dieses Teams oder wer diesen Gast eingeladen hat, können die Einladung zurückziehen.',
    alreadyDecided: 'Über diese Prüfung wurde bereits entschieden.',
    alreadyAccepted: 'Dieser Gast hat die Einladung bereits angenommen oder wurde zurückgezogen: nichts zurückzuziehen.',
    notFound: 'Guest Pass kennt diesen Gast in diesem Team nicht mehr.',
    states: { scheduled: 'Prüfung', due: 'Prüfung fällig', reminded: 'Prüfung fällig, erinnert', removed: 'entfernt', expired: 'entfernt, Prüfung unbeantwortet', withdrawn: 'zurückgezogen' },
    guestsReview: (state: string, when: string) => `; ${state} ${when}`,
    dueHeading: (total: number) => `**${n(total)} ${total === 1 ? 'Gast wartet' : 'Gäste warten'} auf eine Prüfentscheidung**`,
    dueNone: 'Kein Gast dieses Teams wartet auf eine Prüfentscheidung.',
  },

  audit: {
    ownersOnly: 'Nur die Besitzer dieses Teams können sein Überwachungsprotokoll exportieren.',
    link: (url: string, minutes: number) =>
      `Das Überwachungsprotokoll dieses Teams als CSV: ${url}\n` +
      `Der Link funktioniert einmal, in den nächsten ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'}, und nur für dieses Team. ` +
      'Er ist für Sie, den Besitzer, der gefragt hat: Wer den Link hat, kann das Protokoll herunterladen, geben Sie ihn also nicht weiter. Fragen Sie mit `/audit` erneut für einen neuen.',
  },

  ownersView: {
    show: 'Anzeigen',
    download: 'CSV herunterladen (einmal gültig)',
    guestsTitle: 'Gäste dieses Teams',
    requestsTitle: 'Einladungsanfragen',
    auditTitle: 'Export des Überwachungsprotokolls',
    ownersOnly: (asker: string) =>
      `${asker} hat diese Liste angefordert. Nur die Besitzer des Teams sehen sie: Auf ihrem Bildschirm erscheint sie von selbst auf dieser Karte oder mit „Anzeigen“.`,
    askerOnly: (asker: string) => `${asker} hat diesen Export angefordert. Nur diese Person sieht den Download-Link auf dieser Karte.`,
    notOwner: 'Diese Ansicht ist nur für die Besitzer des Teams.',
    notAsker: 'Nur der Besitzer, der gefragt hat, sieht diesen Download-Link. Geben Sie `/audit` für einen eigenen ein.',
    auditCardExpired: 'Diese Exportkarte ist abgelaufen. Geben Sie `/audit` für einen neuen Link ein.',
  },

  approval: {
    requestTitle: 'Einladungsanfrage',
    requestSummary: (requester: string, guest: string) =>
      `${requester} möchte ${guest} in dieses Team einladen. Jeder Teambesitzer kann genehmigen oder ablehnen.`,
    approvedTitle: (result: string) => `Genehmigt: ${result}`,
    declinedTitle: 'Abgelehnt',
    approvedSummary: (owner: string, summary: string) => `${owner} hat diese Anfrage genehmigt. ${summary}`,
    declinedSummary: (owner: string, guest: string) => `${owner} hat die Anfrage abgelehnt, ${guest} einzuladen. Es wurde nichts gesendet.`,
    approvedPending: (owner: string) => `${owner} hat diese Anfrage genehmigt; die Einladung wird gesendet.`,
    requestedBy: 'Angefragt von',
    guest: 'Gast',
    name: 'Name',
    requestedAt: 'Angefragt',
    decidedBy: 'Entschieden von',
    decidedAt: 'Entschieden',
    approve: 'Genehmigen',
    decline: 'Ablehnen',
    onlyOwners: 'Nur die Besitzer dieses Teams können Anfragen genehmigen oder ablehnen. Es wurde nichts geändert.',
    alreadyDecided: (who: string, status: string) => `Diese Anfrage wurde bereits von ${who} ${status}.`,
    notFound: 'Diese Anfrage gibt es nicht mehr.',
    reminder: (requester: string, guest: string) =>
      `Erinnerung für die Besitzer des Teams: Die Anfrage von ${requester}, ${guest} einzuladen, wartet noch auf eine Entscheidung.`,
    openRequests: (count: number) =>
      count === 0 ? 'Es warten keine Einladungsanfragen.' : `${n(count)} ${count === 1 ? 'Einladungsanfrage wartet' : 'Einladungsanfragen warten'} auf einen Besitzer:`,
    openRequestLine: (requester: string, guest: string, when: string) => `- ${guest}, angefragt von ${requester} am ${when}`,
    ownersOnly: 'Nur die Besitzer dieses Teams können Anfragen auflisten.',
    ownersMentioned: (owners: string) => `Für die Besitzer des Teams: ${owners}`,
    requestedAtText: (when: string) => `Angefragt ${when}`,
    decidedAtText: (when: string) => `Entschieden ${when}`,
    reminderTitle: 'Erinnerung: Einladungsanfrage noch offen',
    decidedFromList: (owner: string, decision: string, guest: string) => `${owner} hat die Anfrage, ${guest} einzuladen, ${decision}.`,
    approvedWord: 'genehmigt',
    declinedWord: 'abgelehnt',
  },

  result: {
    email: 'E-Mail',
    name: 'Name',
    status: 'Status',
    invitationEmail: 'Einladungs-E-Mail',
    emailSent: 'Von Microsoft gesendet',
    emailNotSent: 'Nicht gesendet: Teilen Sie den Einladungslink selbst',
    invitedBy: 'Eingeladen von',
    addedBy: 'Hinzugefügt von',
    askedBy: 'Angefragt von',
    copyLink: 'Link kopieren und dem Gast senden',
    resendQuestion: (name: string, email: string) =>
      `${name} eine weitere Einladungs-E-Mail an ${email} senden? Es gibt einen neuen Einladungslink; der bisherige spielt dann keine Rolle mehr.`,
    resendYes: 'Ja, erneut senden',
    resendNo: 'Nein, so lassen',
    requestedBy: 'Angefragt von',
    graphCode: 'Graph-Fehlercode',
    requestId: 'Anforderungs-ID',
    redeemLink: 'Einladungslink',
    redeemLinkHint:
      'Jeder mit diesem Link kann mit der Annahme dieser Einladung beginnen: Kopieren Sie ihn und senden Sie ihn nur an den Gast. (Microsoft Entra nennt ihn den B2B-Einlöselink.)',
    redeemLinkHidden: 'Der Einladungslink wird der einladenden Person und den Besitzern des Teams angezeigt.',
    openRedeemLink: 'Einladungslink öffnen',
    showRedeemLink: 'Einladungslink anzeigen',
    resend: 'Einladung erneut senden',
    refresh: 'Status aktualisieren',
    notAllowedToSeeLink: 'Nur die einladende Person und die Besitzer des Teams können den Einladungslink sehen.',
    nextStep: 'Als Nächstes',
    remove: 'Aus dem Team entfernen',
    whoMayApprove: 'Wer genehmigen darf',
  },

  bulk: {
    previewTitle: (count: number) => `${n(count)} ${count === 1 ? 'Person' : 'Personen'} in dieses Team einladen?`,
    previewIntro: 'Es wurde noch nichts gesendet. Prüfen Sie die Liste und bestätigen Sie dann.',
    goodLines: 'Werden eingeladen oder hinzugefügt',
    problemLines: 'Zurückgestellte Zeilen',
    refusedLines: 'Von Ihrer Organisation abgelehnt',
    duplicateLines: 'Doppelt genannt (einmal gezählt)',
    problemsHeading: 'Diese Zeilen werden nicht gesendet:',
    moreProblems: (count: number) => `…und ${n(count)} weitere (alle stehen in der Ergebnis-CSV).`,
    emailOption: 'Einladungs-E-Mail',
    confirm: 'Einladen',
    cancel: 'Abbrechen',
    nothingToDo: 'Keine dieser Zeilen kann gesendet werden: Korrigieren Sie sie und senden Sie die Liste erneut.',
    tooManyLines: (lines: number, max: number) =>
      `Diese Liste hat ${n(lines)} Zeilen; eine Sammeleinladung nimmt höchstens ${n(max)}. Teilen Sie sie und senden Sie die Teile nacheinander.`,
    invalidMessage: (reason: string) => `${reason} Es wurde nichts gesendet: Kürzen Sie die Nachricht und drücken Sie erneut auf „Einladen“.`,
    notAllowed: (reason: string) => `Nur wer Gäste direkt einladen darf, kann eine Sammeleinladung ausführen. ${reason}`,
    cancelled: 'Sammeleinladung abgebrochen: Es wurde nichts gesendet.',
    previewExpired: 'Diese Vorschau ist abgelaufen, und es wurde nichts gesendet. Senden Sie die Liste erneut für eine neue.',
    progressTitle: (done: number, total: number) => `Einladungen laufen: ${n(done)} von ${n(total)} erledigt`,
    finishedTitle: (total: number) => `Sammeleinladung abgeschlossen: ${n(total)} ${total === 1 ? 'Person' : 'Personen'}`,
    startedBy: (name: string) => `Bestätigt von ${name}. Diese Karte wird aktualisiert, während die Einladungen hinausgehen; Sie können sie verlassen.`,
    finishedBy: (name: string) => `Bestätigt von ${name}.`,
    resultsHeading: 'Ergebnisse',
    resultsShown: (shown: number, total: number) =>
      shown < total ? `${n(shown)} von ${n(total)} Zeilen angezeigt, Probleme zuerst; die CSV enthält alle.` : '',
    columns: { line: 'Zeile', email: 'E-Mail', outcome: 'Ergebnis', reason: 'Grund' },
    peopleHeading: 'Wer eingeladen oder hinzugefügt wird',
    morePeople: (count: number) => `…und ${n(count)} weitere.`,
    problemLine: (line: number, raw: string) => `Zeile ${line}: ${raw}`,
    rowDetail: (line: number, name: string) => (name ? `Zeile ${line} · ${name}` : `Zeile ${line}`),
    cancelledTitle: 'Sammeleinladung abgebrochen',
    cancelledByAt: (name: string, when: string) => `Abgebrochen von ${name}${when ? ` am ${when}` : ''}. Es wurde nichts gesendet.`,
    finishedByAt: (name: string, when: string) => `Bestätigt von ${name}; abgeschlossen${when ? ` ${when}` : ''}.`,
    resultsForOwners: 'Das Ergebnis jeder Person steht auf der Kopie dieser Karte für die Teambesitzer, mit den Ergebnissen als CSV.',
    showResults: 'Ergebnisse anzeigen',
    csvHeading: 'Ergebnisse als CSV (in eine Tabelle kopieren)',
    downloadCsv: 'Ergebnisse als CSV',
    resultsOwnersOnly: 'Nur die Besitzer dieses Teams können die Ergebnisse einer Sammeleinladung sehen.',
    csvIntro: (lines: number) => `Ergebnisse der Sammeleinladung, ${n(lines)} Zeilen (CSV):`,
    csvTruncated: (shown: number, total: number) => `(die ersten ${n(shown)} von ${n(total)} Zeilen: mehr wäre zu lang für Teams)`,
    csvHeader: ['Zeile', 'E-Mail', 'Anzeigename', 'Ergebnis', 'Grund', 'Benutzer-ID', 'Graph-Fehlercode', 'Anforderungs-ID'],
    outcomes: {
      invited: 'Eingeladen',
      added: 'Hinzugefügt',
      alreadyInTeam: 'Bereits im Team',
      pendingAdd: 'Hinzufügen ausstehend',
      refused: 'Abgelehnt',
      failed: 'Fehlgeschlagen',
      invalid: 'Nicht gesendet',
      duplicate: 'Doppelt',
      inProgress: 'In Arbeit',
    },
    duplicateOf: (line: number) => `Dieselbe Adresse wie Zeile ${line}.`,
    pendingAddReason: 'Eingeladen; das Hinzufügen zum Team wird im Hintergrund abgeschlossen, sobald Microsoft Entra den Gast angelegt hat.',
  },
};
