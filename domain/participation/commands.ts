// Actions on a participation event: one workflow update (publish, extend, cancel, or a type's own).
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { ParticipationState } from '../../workflows/participation/messages';
import { problems } from '../problem';
import { withWait, type TemporalContext } from '../temporal';
import { loadEventRow, type EventRow } from './read-model';

/** Runs one of the shared updates (publish, extend, cancel) or a type's own on the event's workflow. */
export async function runEventUpdate<A>(
  ctx: TemporalContext, row: EventRow, update: UpdateDefinition<ParticipationState, [A]>, arg: A, updateId?: string,
): Promise<ParticipationState> {
  const handle = ctx.client.workflow.getHandle(row.id);
  try {
    return await withWait(ctx, () => handle.executeUpdate(update, { args: [arg], ...(updateId ? { updateId } : {}) }));
  } catch (e) {
    // The workflow has completed (results published or cancelled): nothing more can be done to it.
    if (e instanceof WorkflowNotFoundError) {
      const now = await loadEventRow(ctx.db, row.id);
      if (now) throw problems.invalidTransition(`Event ${row.id} is ${now.status.replace('_', ' ')}; it cannot be changed any more.`);
      throw problems.notFound(`There is no event ${row.id}.`);
    }
    throw e;
  }
}
