// The two kinds of handler: one per command (a message's first word) and one per card verb. Each
// lives in its own module and is registered once, in ./index.ts.
import type { Command } from '../../domain/commands';
import type { CardAnswer, TeamTurn, Turn } from '../teamTurn';
import type { Verb } from '../verbs';

export interface CommandHandler<K extends Command['kind'] = Command['kind']> {
  name: K;
  handle(turn: Turn, command: Extract<Command, { kind: K }>): Promise<void>;
}

/** A card action: the team and the caller are known (checked from the activity) before it runs. */
export interface VerbHandler {
  name: Verb;
  handle(turn: TeamTurn, data: Record<string, unknown>): Promise<CardAnswer>;
}

export const command = <K extends Command['kind']>(name: K, handle: CommandHandler<K>['handle']): CommandHandler<K> => ({ name, handle });
export const verb = (name: Verb, handle: VerbHandler['handle']): VerbHandler => ({ name, handle });
