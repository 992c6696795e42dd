// Every card verb, once. The handlers register under these names (src/teams/handlers/index.ts) and
// every card's template reads them from its data (`${$root.verbs.…}`, added by cards/index.ts's
// expand), so a verb is never written as a string anywhere else.
export const VERBS = {
  invite: 'invite',
  showRedeemLink: 'showRedeemLink',
  refreshInvitation: 'refreshInvitation',
  confirmResend: 'confirmResend',
  resendInvitation: 'resendInvitation',
  refreshRequest: 'refreshRequest',
  approveRequest: 'approveRequest',
  declineRequest: 'declineRequest',
  showGuests: 'showGuests',
  showRequests: 'showRequests',
  showAuditLink: 'showAuditLink',
  showReview: 'showReview',
  keepGuest: 'keepGuest',
  removeGuest: 'removeGuest',
  withdrawGuest: 'withdrawGuest',
  confirmBulk: 'confirmBulk',
  cancelBulk: 'cancelBulk',
  showBulkResults: 'showBulkResults',
  bulkResultsCsv: 'bulkResultsCsv',
  askRemoval: 'askRemoval',
  confirmRemoval: 'confirmRemoval',
  cancelRemoval: 'cancelRemoval',
} as const;

export type Verb = (typeof VERBS)[keyof typeof VERBS];
