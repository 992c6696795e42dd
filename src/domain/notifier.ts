// The port through which the domain tells people that something changed (the Teams layer updates
// or posts cards: src/teams/cardUpdates.ts).
import type { ApprovalRequest } from './approval/approvals';
import type { InvitationOutcome } from './invitation/outcome';
import type { InvitationRecord } from './invitation/records';
import type { CardRef, Person } from './team';

/** How the product tells people that something changed (the Teams adapter updates cards). */
export interface ChangeNotifier {
  invitationChanged(record: InvitationRecord): Promise<void>;
  /** An outcome with no record to show it (a failure before anything was created), for the cards that waited for it. */
  invitationSettled(team: { groupId: string; teamId: string }, outcome: InvitationOutcome, cards: CardRef[], actor: Person): Promise<void>;
  requestChanged(request: ApprovalRequest): Promise<void>;
  remind(request: ApprovalRequest): Promise<void>;
}
