// A vote: the shared participation lifecycle (workflows/participation/runner.ts); ballots and citizens'
// projects go straight to Postgres through the API, never into this workflow's history. When the vote
// closes, an activity tallies the ballots from Postgres, applies the event's winner rule (greedy or the
// Method of Equal Shares, workflows/rules/vote.ts) and the results are published.
import { proxyActivities } from '@temporalio/workflow';
import type { VoteActivities } from '../../activities/vote';
import type { ParticipationInput } from '../participation/messages';
import type { EventPlugin } from '../participation/runner';

const activities = proxyActivities<VoteActivities>({
  startToCloseTimeout: '10 minutes',
  // The count heartbeats between Add1 reruns (activities/vote.ts): a worker that died mid-count is
  // noticed within a minute, and a long count that still beats is not retried.
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** A vote records no step of its own; its results are published when it closes. */
export const voteHooks: EventPlugin<ParticipationInput, never> = {
  eventKinds: [],
  hooks: async () => ({ results: (ctx) => activities.voteResults(ctx.input.eventId) }),
};
