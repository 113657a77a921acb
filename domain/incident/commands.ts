// Actions on an incident: the public reply and the dismissal, each one update of the incident's
// workflow with the actor taken from the authenticated user; the incident as the action left it.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { IncidentState } from '../../workflows/incident/messages';
import type { Actor } from '../../workflows/shared/actor';
import { actorOf } from '../cases/commands';
import { waitForProjection } from '../cases/read-model';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { withWait, type TemporalContext } from '../temporal';
import { loadIncidentRow, overlayIncidentState, toIncident, visibleIncident, type Incident } from './read-model';

/**
 * A user's action on an incident: visible to the user (404 otherwise), then the update, whose validator
 * decides (403 / 409 / 422). `updateId` makes a repeat with the same Idempotency-Key apply once.
 */
export async function actOnIncident<A>(
  ctx: TemporalContext, user: AuthUser, incidentId: string, updateId: string | undefined,
  update: UpdateDefinition<IncidentState, [A]>, arg: (actor: Actor) => A,
): Promise<Incident> {
  const row = await visibleIncident(ctx.db, user, incidentId);
  let state: IncidentState;
  try {
    const handle = ctx.client.workflow.getHandle(incidentId);
    state = await withWait(ctx, () => handle.executeUpdate(update, { args: [arg(actorOf(user, row))], ...(updateId ? { updateId } : {}) }));
  } catch (e) {
    // The workflow of a closed incident has completed.
    if (e instanceof WorkflowNotFoundError && row.status === 'closed') throw problems.invalidTransition(`Incident ${incidentId} is closed.`);
    throw e;
  }
  await waitForProjection(ctx.db, incidentId, state.seq);
  const fresh = (await loadIncidentRow(ctx.db, incidentId)) ?? row;
  return toIncident(fresh.last_seq >= state.seq ? fresh : overlayIncidentState(fresh, state));
}
