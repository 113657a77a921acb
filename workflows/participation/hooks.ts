// Every participation type's part in the workflows, by type: its hooks into the shared lifecycle
// (workflows/<type>/hooks.ts) and the steps it records. The record is over the ParticipationType union,
// so tsc refuses a type without its hooks, or hooks for a type the spec does not have; each type's
// workflow (workflows/index.ts) is the lifecycle run with the hooks found here.
import { discussionHooks } from '../discussion/hooks';
import { hearingHooks } from '../hearing/hooks';
import { pollHooks } from '../poll/hooks';
import { voteHooks } from '../vote/hooks';
import type { ParticipationType } from './lifecycle';
import type { ParticipationInput, ParticipationState } from './messages';
import { runParticipationEvent, type EventPlugin } from './runner';

export const EVENT_HOOKS = {
  poll: pollHooks,
  vote: voteHooks,
  discussion: discussionHooks,
  hearing: hearingHooks,
} satisfies { [T in ParticipationType]: EventPlugin<ParticipationInput, string> };

/** The input of an event of type T, as its hooks read it. */
export type EventInput<T extends ParticipationType> = Parameters<(typeof EVENT_HOOKS)[T]['hooks']>[0];

/** The workflow of the events of type T: the shared lifecycle, run with T's hooks. */
export function eventWorkflow<T extends ParticipationType>(type: T): (input: EventInput<T>) => Promise<ParticipationState> {
  const plugin = EVENT_HOOKS[type] as unknown as EventPlugin<EventInput<T>, string>;
  return async (input) => runParticipationEvent(input, await plugin.hooks(input));
}
