// A poll: the shared participation lifecycle (workflows/participation/runner.ts); answers go straight to
// Postgres through the API, never into this workflow's history. When the poll closes, its results are
// aggregated from Postgres by an activity (SQL aggregates: fine for 100k responses) and published.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { PollActivities } from '../../activities/poll';
import type { ParticipationInput, ParticipationState } from '../participation/messages';
import { runParticipationEvent } from '../participation/runner';

const activities = proxyActivities<PollActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function pollWorkflow(input: ParticipationInput): Promise<ParticipationState> {
  return runParticipationEvent(
    input,
    { results: (ctx) => activities.pollResults(ctx.input.eventId) },
    (next) => continueAsNew<typeof pollWorkflow>(next),
  );
}
