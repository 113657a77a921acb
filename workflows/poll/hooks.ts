// A poll: the shared participation lifecycle (workflows/participation/runner.ts); answers go straight to
// Postgres through the API, never into this workflow's history. When the poll closes, its results are
// aggregated from Postgres by an activity (SQL aggregates: fine for 100k responses) and published.
import { proxyActivities } from '@temporalio/workflow';
import type { PollActivities } from '../../activities/poll';
import type { ParticipationInput } from '../participation/messages';
import type { EventPlugin } from '../participation/runner';

const activities = proxyActivities<PollActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A poll records no step of its own; its results are published when it closes. */
export const pollHooks: EventPlugin<ParticipationInput, never> = {
  eventKinds: [],
  hooks: async () => ({ results: (ctx) => activities.pollResults(ctx.input.eventId) }),
};
