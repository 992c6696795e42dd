// A bulk invitation's card: Confirm, Cancel, and the owners' results (src/teams/bulk.ts renders them).
import type { TeamTurn } from '../teamTurn';
import { VERBS } from '../verbs';
import { verb } from './handler';

/** Who gets the owners' copy of a finished bulk card: the owners and the clicker. */
const viewers = (turn: TeamTurn) => turn.deps.roster.ownersAnd(turn.port, turn.team, [turn.caller.id]);

export const confirmBulkVerb = verb(VERBS.confirmBulk, (turn, data) => turn.deps.bulk.confirm(turn.port, turn.team, turn.caller, data));
export const cancelBulkVerb = verb(VERBS.cancelBulk, (turn, data) => turn.deps.bulk.cancel(turn.team, turn.caller, data, turn.port.activity.locale));
export const bulkResultsCsvVerb = verb(VERBS.bulkResultsCsv, async (turn, data) =>
  turn.deps.bulk.resultsCsv(turn.team, turn.caller, data, turn.port.activity.locale, await viewers(turn)),
);
export const showBulkResultsVerb = verb(VERBS.showBulkResults, async (turn, data) =>
  turn.deps.bulk.resultsView(turn.team, turn.caller, data, turn.port.activity.locale, await viewers(turn)),
);
