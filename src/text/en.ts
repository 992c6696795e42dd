// Every text a person reads, in one place: English here, German in de.ts, the same shape (Texts),
// chosen from the Teams locale (textsFor). test/unit/texts.test.ts compares the two.
import type { FailureCode, FieldErrorCode, RefusalCode } from '../domain/errors';
import type { OutcomeKind, SubjectState } from '../domain/invitation/outcome';
import type { KnownCommand } from '../domain/commands';
import type { InvitePolicy } from '../domain/policy';
import { tenantDocsLink } from './docs';

export const en = {
  product: 'Guest Pass',
  when: (iso?: string) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : ''),
  help: [
    '**Guest Pass** brings external people into this team as guests.',
    '',
    '- `@Guest Pass /invite alice@fabrikam.com Alice Smith`: invite one guest (name optional, may be quoted).',
    '- `@Guest Pass invite`: open the invite card.',
    '- Several lines after `/invite`, one per person (`email`, `email, name` or `Name <email>`): a bulk invite.',
    '- `/invite --resend alice@fabrikam.com`: a new invitation (and invitation link) for a guest who has not accepted yet.',
    '- `@Guest Pass /status alice@fabrikam.com`: where that guest stands.',
    '- `@Guest Pass /guests`: this team\'s guests invited through Guest Pass (owners).',
    '- `@Guest Pass /requests`: invitation requests waiting for an owner (owners).',
    '- `@Guest Pass /audit`: a link to download this team\'s audit log as CSV (owners).',
    '- `@Guest Pass /remove alice@fabrikam.com`: remove a guest from this team, after you confirm (owners); their guest account stays.',
  ].join('\n'),
  helpCard: {
    title: 'Guest Pass: bring external people into this team as guests',
    intro: 'In a team channel, @mention Guest Pass with one of these:',
    commands: [
      { command: '/invite alice@fabrikam.com Alice Smith', what: 'Invite one guest (the name is optional, and may be quoted).' },
      { command: 'invite', what: 'Open the invite card.' },
      { command: '/invite sam@fabrikam.com tom@fabrikam.com', what: 'Several people: addresses separated by spaces, commas or semicolons, or one per line (`email`, `email, name`, `Name <email>`). You see the list before anything is sent.' },
      { command: '/invite --resend alice@fabrikam.com', what: 'A new invitation link for a guest who has not accepted yet.' },
      { command: '/status alice@fabrikam.com', what: 'Where that guest stands.' },
      { command: '/guests', what: "This team's guests invited through Guest Pass (owners)." },
      { command: '/requests', what: 'Invitation requests waiting for an owner, with Approve and Decline (owners).' },
      { command: '/audit', what: "A link to download this team's audit log as CSV (owners)." },
      { command: '/remove alice@fabrikam.com', what: 'Remove a guest from this team, after you confirm (owners); their guest account stays.' },
    ],
    policies: {
      approval: 'Who may invite here: team owners invite; a member\'s invitation is a request that an owner approves.',
      owners: 'Who may invite here: team owners only.',
      members: 'Who may invite here: every member of the team (guests never).',
    } satisfies Record<InvitePolicy, string>,
    owners: (names: string) => `This team's owners: ${names}.`,
  },
  welcome: {
    title: 'Guest Pass is ready in this team',
    body: "Guest Pass brings external people into this team as Microsoft Entra B2B guests, without a ticket to IT. @mention Guest Pass with `/invite alice@fabrikam.com`, or `invite` for the card; `help` shows everything.",
  },
  personalChat:
    'Invitations happen in a team channel: @mention Guest Pass there with `/invite alice@fabrikam.com`. Type `help` to see everything I can do.',
  unknownCommand: (word: string) => `I don't know "${word}". Type \`help\` to see what I can do.`,
  unknownCommandClosest: (word: string, closest: string, example: string) =>
    `I don't know "${word}". Did you mean \`/${closest}\`? For example: \`@Guest Pass ${example}\`. Type \`help\` to see everything I can do.`,
  commandExamples: {
    invite: '/invite alice@fabrikam.com Alice Smith',
    status: '/status alice@fabrikam.com',
    guests: '/guests',
    requests: '/requests',
    audit: '/audit',
    help: 'help',
  } satisfies Record<KnownCommand, string>,
  notInTeam: 'Invitations happen in a team channel: add Guest Pass to a team and @mention it in one of its channels.',
  teamUnknown: 'Teams could not tell me which Microsoft 365 group this team belongs to, so nothing was done. Try again in a minute; if it persists, reinstall Guest Pass in this team.',
  somethingWentWrong: (ref: string) => `Something went wrong on my side and nothing was changed. Reference: ${ref}.`,
  privateAnswerNeedsCurrentClient:
    'The answer to that button is for you alone, and this Teams client cannot show it privately. Open Teams on the web or the desktop app and press the button again.',
  cardExpired: 'This card is out of date. Type `@Guest Pass invite` for a new one.',
  commandTooLong: (length: number, max: number) =>
    `That message is too long for me to read (${length.toLocaleString('en-US')} characters; I read at most ${max.toLocaleString('en-US')}), so nothing was done. For a long list, post it in parts of at most 1,000 lines.`,

  inviteCard: {
    title: 'Invite a guest to this team',
    intro: 'The guest gets a Microsoft Entra B2B invitation and joins the team once they accept.',
    email: 'Email address',
    emailPlaceholder: 'alice@fabrikam.com',
    displayName: 'Display name, up to 256 characters',
    displayNamePlaceholder: 'Alice Smith (optional)',
    message: 'Personal message (optional), up to 1,000 characters',
    messagePlaceholder: 'Shown on this card and, where Microsoft sends it, in the invitation email',
    sendEmail: 'Send the Microsoft invitation email',
    bulk: 'Or several people, one per line (optional), up to 1,000 lines',
    bulkPlaceholder: 'alice@fabrikam.com\nbob@fabrikam.com, Bob Jones\nCarol Diaz <carol@fabrikam.com>',
    submit: 'Invite',
    requestIntro: "You are asking the team's owners: this form sends them a request, and the guest is invited once an owner approves it.",
    submitRequest: 'Ask an owner',
  },

  fieldErrors: {
    emailRequired: 'Enter a valid email address: this field is empty.',
    emailInvalid: 'Enter a valid email address, like alice@fabrikam.com.',
    emailTooLong: 'Enter a valid email address: this one is too long.',
    emailForbiddenCharacter: 'Enter a valid email address: the part before @ cannot contain spaces or any of ~ ! # $ % ^ & * ( ) + = [ ] { } \\ / | ; : " < > ? ,',
    emailDotOrDashAtEdge: 'Enter a valid email address: the part before @ cannot start or end with . or -, nor have two dots in a row.',
    emailDomainInvalid: 'Enter a valid email address: the part after @ is not a valid domain.',
    displayNameTooLong: 'The display name can be at most 256 characters.',
    displayNameControlCharacter: 'The display name cannot contain control characters.',
    displayNameIsEmail: 'A display name cannot be an email address. To invite several people, put each address on its own line, or separate them with spaces, commas or semicolons.',
    messageTooLong: 'The personal message can be at most 1,000 characters.',
    bulkTooLong: 'This list is too long to read: paste at most 1,000 lines (100,000 characters) at a time.',
  } satisfies Record<FieldErrorCode, string>,

  outcomeTitles: {
    invited: 'Invited',
    reinvited: 'Re-invited',
    added: 'Added',
    alreadyInTeam: 'Already in team',
    requested: 'Requested',
    pendingAdd: 'Pending add',
    inProgress: 'In progress',
    refused: 'Refused',
    failed: 'Failed',
  } satisfies Record<OutcomeKind, string>,

  outcomeSummaries: {
    invited: (name: string) => `Guest Pass invited ${name} as a guest and added them to this team. They can open the team once they accept the invitation.`,
    reinvited: (name: string) => `${name} has a new invitation and a new invitation link; the earlier link no longer matters.`,
    added: (name: string) => `Guest Pass added ${name} to this team.`,
    alreadyInTeam: (name: string) => `${name} is already a member of this team: nothing to do.`,
    requested: (name: string) => `Your request to invite ${name} waits for a team owner's approval.`,
    pendingAdd: (name: string) =>
      `${name} is not in this team yet: the team add has not gone through (Microsoft Entra may still be creating the guest, or Microsoft Graph is busy). Guest Pass keeps retrying and updates this card when it is done.`,
    inProgress: (name: string) => `Inviting ${name} is under way. This card updates when it is done.`,
    refused: (name: string) => `${name} was not invited.`,
    failed: (name: string) => `Inviting ${name} did not work.`,
  } satisfies Record<OutcomeKind, (name: string) => string>,

  /** The outcome summary when the invitation was created but the team add was then refused. */
  refusedAfterInvitation: (name: string) =>
    `${name} received a guest invitation to your organization, but could not be added to this team.`,
  /** The summary once the guest has redeemed. */
  acceptedSummary: (name: string) => `${name} accepted the invitation and is a member of this team.`,
  /** The headline once the guest has accepted (an invitation, or the invitation of a guest who was added). */
  acceptedTitle: 'Accepted',
  /** An existing guest added to the team who has not accepted their invitation yet. */
  addedPendingTitle: 'Added: still has to accept',
  addedPendingSummary: (name: string) =>
    `Guest Pass added ${name} to this team. They have not accepted their invitation to your organization yet, so they can open the team only once they do.`,

  states: {
    PendingAcceptance: 'Pending acceptance',
    Accepted: 'Accepted',
    Member: 'Member of your organization',
  } satisfies Record<SubjectState, string>,

  refusals: {
    notInTeam: () => 'Invitations happen in a team channel.',
    callerIsGuest: () => 'Guests cannot invite other guests. Ask one of the team owners.',
    callerNotOwner: () => 'Only team owners can invite guests to this team. Ask a team owner, or your admin to change the invitation policy.',
    callerNotMember: () => 'Only members of this team can use Guest Pass here.',
    callerUnknown: () => 'I could not tell who you are, so nothing was done.',
    domainNotAllowed: (domain: string) => `Addresses at ${domain} are not on your organization's list of allowed domains. Your Guest Pass admin sets this list (ALLOWED_DOMAINS).`,
    domainBlocked: (domain: string) => `Addresses at ${domain} are blocked by your organization. Your Guest Pass admin sets this list (BLOCKED_DOMAINS).`,
    groupForbidsGuests: () =>
      `This team's Microsoft 365 group does not allow guests. A tenant admin can allow them in the group's settings (AllowToAddGuests). ${tenantDocsLink('tenant-group-allow-guests')}`,
    tenantBlocksDomain: (domain: string) =>
      `Your organization's B2B collaboration settings do not allow invitations to ${domain}. A tenant admin can change the allowed or blocked domains under External collaboration settings in Microsoft Entra. ${tenantDocsLink('tenant-collaboration-domains')}`,
    crossTenantBlocked: (domain: string) =>
      `The invitation to ${domain} is blocked by cross-tenant access settings. A tenant admin should check Microsoft Entra > External Identities > Cross-tenant access settings (default and per-organization B2B collaboration). ${tenantDocsLink('tenant-cross-tenant-access')}`,
    guestInvitationsDisabled: () =>
      `Guest invitations are turned off for your organization. A tenant admin can change this under External collaboration settings in Microsoft Entra. ${tenantDocsLink('tenant-guest-invite-restrictions')}`,
    resendNotNeeded: () => 'This guest has already accepted an invitation: there is nothing to resend.',
    resendNotInvitedHere: () =>
      "This guest was invited outside Guest Pass or by another team, so Guest Pass cannot send them a new invitation link. They were added to this team; ask whoever invited them, or your IT admin, to resend their invitation.",
  } satisfies Record<RefusalCode, (detail: string) => string>,

  failures: {
    suspiciousActivity: () =>
      'Microsoft has blocked invitations for your directory because of suspicious activity. Only Microsoft support can lift this; Guest Pass will not retry.',
    throttled: () => 'Microsoft Graph is busy and asked us to slow down. Nothing more was done; try again in a minute.',
    missingPermission: (permission: string) =>
      permission === 'sign-in'
        ? `Guest Pass could not sign in to Microsoft Entra. A tenant admin should check its app registration and credentials. ${tenantDocsLink('tenant-graph-permissions')}`
        : `Guest Pass lacks the Microsoft Graph permission ${permission || 'it needs'}. A tenant admin must grant it (application permission, with admin consent). ${tenantDocsLink('tenant-graph-permissions')}`,
    graphUnavailable: () => 'Microsoft Graph did not answer. Nothing more was done; try again in a few minutes.',
    graphRejected: () => 'Microsoft Graph refused the request.',
    userNotFound: (domain: string) =>
      domain ? `${domain} belongs to your organization, but no one with that address exists in your directory.` : 'That person could not be found in your directory.',
    notConfirmed: () =>
      'Microsoft Graph did not confirm the invitation, and no guest with this address exists yet. Guest Pass did not send it again; it checks once more in a few minutes and updates this card.',
    unexpected: () => 'Something unexpected went wrong. Nothing more was done.',
  } satisfies Record<FailureCode, (detail: string) => string>,

  status: {
    usage: 'Tell me whose status to show: `/status alice@fabrikam.com`.',
    membersOnly: 'Only members of this team can ask where its guests stand.',
    notFound: (email: string) => `${email} is not in your directory and was not invited through Guest Pass.`,
    heading: (name: string, email: string) => `**${name}** (${email})`,
    invited: (when: string, by: string) => `- Invited through Guest Pass on ${when} by ${by}`,
    notInvitedHere: '- Not invited through Guest Pass',
    state: (state: string, since: string) => (since ? `- Status: ${state} (since ${since})` : `- Status: ${state}`),
    inTeam: (yes: boolean) => `- Member of this team: ${yes ? 'yes' : 'no'}`,
    lastOutcome: (outcome: string) => `- Last outcome: ${outcome}`,
    removed: (when: string, by: string) => `- Removed from this team on ${when} by ${by}`,
  },

  removal: {
    usage: 'Tell me which guest to remove from this team: `/remove alice@fabrikam.com`.',
    refusals: {
      callerNotOwner: "Only this team's owners can remove guests from it.",
      notFound: (email: string) => `${email} is not in your directory: there is nobody to remove.`,
      notGuest: (email: string) => `${email} is not a guest: Guest Pass removes only guests from a team.`,
      notMember: (email: string) => `${email} is not a member of this team: there is nothing to remove.`,
    },
    confirmTitle: (name: string) => `Remove ${name} from this team?`,
    confirmText: (name: string, email: string) =>
      `${name} (${email}) will lose access to this team's channels, files and meetings at once. Their guest account stays in your directory; only your admin can delete it.`,
    askedBy: (name: string) => `Asked by ${name}. Only an owner's Confirm counts.`,
    confirm: 'Confirm',
    cancel: 'Cancel',
    removedTitle: 'Removed from team',
    removed: (name: string, by: string, when: string) => `${name} was removed from this team by ${by} on ${when}. Their guest account stays in your directory.`,
    notMemberAnyMore: (name: string) => `${name} was not in this team any more: nothing was removed.`,
    cancelledTitle: 'Removal cancelled',
    cancelled: (name: string, by: string) => `${by} cancelled removing ${name}. Nothing was changed.`,
    inProgress: (name: string) => `${name} is being removed by another owner's click. Nothing more was done.`,
    expired: 'This removal card is out of date. Type `@Guest Pass /remove alice@fabrikam.com` for a new one.',
    stillGuestOnly: 'This person is no longer a guest: Guest Pass removes only guests. Nothing was changed.',
  },

  guests: {
    ownersOnly: "Only this team's owners can list its guests.",
    none: 'No guests have been invited to this team through Guest Pass yet.',
    heading: (total: number, page: number, pages: number) => `**${total} guest${total === 1 ? '' : 's'} invited through Guest Pass** (page ${page} of ${pages})`,
    line: (name: string, email: string, state: string, when: string, by: string, inTeam: boolean) =>
      `- ${name} (${email}): ${state}${inTeam ? '' : ', not in the team'}; invited ${when} by ${by}`,
    more: (next: number) => `More: \`/guests ${next}\``,
  },

  lifecycle: {
    reviewTitle: 'Guest review due',
    reviewReminderTitle: 'Reminder: guest review still open',
    reviewSummary: (guest: string) => `Should ${guest} stay in this team? Guest Pass brought them in, and their review is due.`,
    deciders: (mentions: string) => `To decide: ${mentions}.`,
    buttonsNote: "Keep and Remove are shown to the people named here; only this team's owners can decide.",
    keep: 'Keep for another period',
    removeNow: 'Remove now',
    guest: 'Guest',
    email: 'Email',
    invitedBy: 'Invited by',
    reviewDue: 'Review due',
    nextReview: 'Next review',
    keptTitle: 'Guest kept',
    keptSummary: (by: string, guest: string) => `${by} kept ${guest} in this team for another review period.`,
    removedTitle: 'Guest removed',
    removedSummary: (by: string, guest: string) => `${by} removed ${guest} from this team.`,
    expiredTitle: 'Guest removed: review unanswered',
    expiredSummary: (guest: string, email: string) =>
      `${guest} was removed from this team because nobody answered the review or its reminder. To undo this, invite them again: \`@Guest Pass /invite ${email}\`.`,
    pendingTitle: 'Guest has not accepted yet',
    pendingSummary: (mention: string, guest: string) => `${mention}: ${guest} has not accepted the invitation to this team yet. Send a new invitation link, or withdraw the guest from the team.`,
    resend: 'Resend',
    withdraw: 'Withdraw',
    withdrawnTitle: 'Invitation withdrawn',
    withdrawnSummary: (by: string, guest: string) => `${by} withdrew ${guest}: they are no longer in this team.`,
    onlyOwners: "Only this team's owners can decide a guest's review.",
    onlyOwnersOrInviter: "Only this team's owners, or whoever invited this guest, can withdraw the invitation.",
    alreadyDecided: 'This review has already been decided.',
    alreadyAccepted: 'This guest has accepted the invitation already, or was withdrawn: nothing to withdraw.',
    notFound: 'Guest Pass has no record of this guest in this team any more.',
    states: { scheduled: 'review', due: 'review due', reminded: 'review due, reminded', removed: 'removed', expired: 'removed, review unanswered', withdrawn: 'withdrawn' },
    guestsReview: (state: string, when: string) => `; ${state} ${when}`,
    dueHeading: (total: number) => `**${total} guest${total === 1 ? '' : 's'} waiting for a review decision**`,
    dueNone: 'No guest of this team is waiting for a review decision.',
  },

  audit: {
    ownersOnly: "Only this team's owners can export its audit log.",
    link: (url: string, minutes: number) =>
      `This team's audit log as CSV: ${url}\n` +
      `The link works once, for the next ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, and only for this team. ` +
      'It is for you, the owner who asked: whoever has the link can download the log, so do not pass it on. Ask again with `/audit` for a new one.',
  },

  ownersView: {
    show: 'Show',
    download: 'Download CSV (works once)',
    guestsTitle: 'Guests of this team',
    requestsTitle: 'Invitation requests',
    auditTitle: 'Audit log export',
    ownersOnly: (asker: string) =>
      `${asker} asked for this list. Only the team's owners see it: on their screen it appears on this card by itself, or with Show.`,
    askerOnly: (asker: string) => `${asker} asked for this export. Only they see the download link, on this card.`,
    notOwner: "This view is for the team's owners only.",
    notAsker: 'Only the owner who asked sees this download link. Type `/audit` for one of your own.',
    auditCardExpired: 'This export card has expired. Type `/audit` for a new link.',
  },

  approval: {
    requestTitle: 'Invitation request',
    requestSummary: (requester: string, guest: string) => `${requester} asks to invite ${guest} to this team. Any team owner can approve or decline.`,
    approvedTitle: (result: string) => `Approved: ${result}`,
    declinedTitle: 'Declined',
    approvedSummary: (owner: string, summary: string) => `${owner} approved this request. ${summary}`,
    declinedSummary: (owner: string, guest: string) => `${owner} declined the request to invite ${guest}. Nothing was sent.`,
    approvedPending: (owner: string) => `${owner} approved this request; the invitation is being sent.`,
    requestedBy: 'Requested by',
    guest: 'Guest',
    name: 'Name',
    requestedAt: 'Requested',
    decidedBy: 'Decided by',
    decidedAt: 'Decided',
    approve: 'Approve',
    decline: 'Decline',
    onlyOwners: "Only this team's owners can approve or decline requests. Nothing was changed.",
    alreadyDecided: (who: string, status: string) => `This request was already ${status} by ${who}.`,
    notFound: 'This request no longer exists.',
    reminder: (requester: string, guest: string) => `Reminder for the team's owners: ${requester}'s request to invite ${guest} is still waiting for a decision.`,
    openRequests: (n: number) => (n === 0 ? 'No invitation requests are waiting.' : `${n} invitation request${n === 1 ? '' : 's'} waiting for an owner:`),
    openRequestLine: (requester: string, guest: string, when: string) => `- ${guest}, requested by ${requester} on ${when}`,
    ownersOnly: "Only this team's owners can list requests.",
    ownersMentioned: (owners: string) => `For the team's owners: ${owners}`,
    requestedAtText: (when: string) => `Requested ${when}`,
    decidedAtText: (when: string) => `Decided ${when}`,
    reminderTitle: 'Reminder: invitation request still open',
    decidedFromList: (owner: string, decision: string, guest: string) => `${owner} ${decision} the request to invite ${guest}.`,
    approvedWord: 'approved',
    declinedWord: 'declined',
  },

  result: {
    email: 'Email',
    name: 'Name',
    status: 'Status',
    invitationEmail: 'Invitation email',
    emailSent: 'Sent by Microsoft',
    emailNotSent: 'Not sent: share the invitation link yourself',
    invitedBy: 'Invited by',
    addedBy: 'Added by',
    askedBy: 'Asked by',
    copyLink: 'Copy link: send it to the guest',
    resendQuestion: (name: string, email: string) =>
      `Send ${name} another invitation email at ${email}? They get a new invitation link; the one they have stops mattering.`,
    resendYes: 'Yes, resend',
    resendNo: 'No, keep it',
    requestedBy: 'Requested by',
    graphCode: 'Graph error code',
    requestId: 'Request ID',
    redeemLink: 'Invitation link',
    redeemLinkHint: 'Anyone with this link can start accepting this invitation: copy it and send it only to the guest. (Microsoft Entra calls it the B2B redemption link.)',
    redeemLinkHidden: "The invitation link is shown to the inviter and the team's owners.",
    openRedeemLink: 'Open invitation link',
    showRedeemLink: 'Show invitation link',
    resend: 'Resend invitation',
    refresh: 'Refresh status',
    notAllowedToSeeLink: "Only the inviter and the team's owners can see the invitation link.",
    remove: 'Remove from team',
    nextStep: 'Next',
    whoMayApprove: 'Who may approve',
  },

  bulk: {
    previewTitle: (count: number) => `Invite ${count.toLocaleString('en-US')} ${count === 1 ? 'person' : 'people'} to this team?`,
    previewIntro: 'Nothing has been sent yet. Check the list, then confirm.',
    goodLines: 'Will be invited or added',
    problemLines: 'Lines set aside',
    refusedLines: 'Refused by your organization',
    duplicateLines: 'Named twice (counted once)',
    problemsHeading: 'These lines will not be sent:',
    moreProblems: (n: number) => `…and ${n.toLocaleString('en-US')} more (all of them are in the results CSV).`,
    emailOption: 'Invitation email',
    confirm: 'Invite them',
    cancel: 'Cancel',
    nothingToDo: 'None of these lines can be sent: correct them and post the list again.',
    tooManyLines: (lines: number, max: number) =>
      `That list has ${lines.toLocaleString('en-US')} lines; one bulk invitation takes at most ${max.toLocaleString('en-US')}. Split it and post the parts one by one.`,
    invalidMessage: (reason: string) => `${reason} Nothing has been sent: shorten the message and press Invite again.`,
    notAllowed: (reason: string) => `Only people who may invite guests directly can run a bulk invitation. ${reason}`,
    cancelled: 'Bulk invitation cancelled: nothing was sent.',
    previewExpired: 'This preview has expired and nothing was sent. Send the list again for a new one.',
    progressTitle: (done: number, total: number) => `Inviting: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} done`,
    finishedTitle: (total: number) => `Bulk invitation finished: ${total.toLocaleString('en-US')} ${total === 1 ? 'person' : 'people'}`,
    startedBy: (name: string) => `Confirmed by ${name}. This card updates as the invitations go out; you can leave it.`,
    finishedBy: (name: string) => `Confirmed by ${name}.`,
    resultsHeading: 'Results',
    resultsShown: (shown: number, total: number) =>
      shown < total ? `Showing ${shown} of ${total.toLocaleString('en-US')} lines, problems first; the CSV has all of them.` : '',
    columns: { line: 'Line', email: 'Email', outcome: 'Outcome', reason: 'Reason' },
    peopleHeading: 'Who will be invited or added',
    morePeople: (n: number) => `…and ${n.toLocaleString('en-US')} more.`,
    problemLine: (line: number, raw: string) => `Line ${line}: ${raw}`,
    rowDetail: (line: number, name: string) => (name ? `Line ${line} · ${name}` : `Line ${line}`),
    cancelledTitle: 'Bulk invitation cancelled',
    cancelledByAt: (name: string, when: string) => `Cancelled by ${name}${when ? ` on ${when}` : ''}. Nothing was sent.`,
    finishedByAt: (name: string, when: string) => `Confirmed by ${name}; finished${when ? ` ${when}` : ''}.`,
    resultsForOwners: "Each person's result is on the team owners' copy of this card, with the results as CSV.",
    showResults: 'Show results',
    csvHeading: 'Results as CSV (copy into a spreadsheet)',
    downloadCsv: 'Results as CSV',
    resultsOwnersOnly: "Only this team's owners can see the results of a bulk invitation.",
    csvIntro: (lines: number) => `Results of the bulk invitation, ${lines.toLocaleString('en-US')} lines (CSV):`,
    csvTruncated: (shown: number, total: number) => `(first ${shown} of ${total} lines: the message would be too long for Teams)`,
    csvHeader: ['line', 'email', 'display name', 'outcome', 'reason', 'user id', 'graph error code', 'request id'],
    outcomes: {
      invited: 'Invited',
      added: 'Added',
      alreadyInTeam: 'Already in team',
      pendingAdd: 'Pending add',
      refused: 'Refused',
      failed: 'Failed',
      invalid: 'Not sent',
      duplicate: 'Duplicate',
      inProgress: 'In progress',
    },
    duplicateOf: (line: number) => `Same address as line ${line}.`,
    pendingAddReason: 'Invited; the team add finishes in the background once Microsoft Entra has created the guest.',
  },
};

export type Texts = typeof en;
