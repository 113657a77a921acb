// The vote's activity: its results when it closes, computed by domain/participation/vote.ts.
import { heartbeat } from '@temporalio/activity';
import type { Db } from '../db/connection';
import { computeVoteResults, type VoteResults } from '../domain/participation/vote';

/**
 * Between two steps of a long count (Add1 reruns of the Method of Equal Shares): a heartbeat, then a turn
 * of the event loop so that the worker sends it. Without them a count of a large vote would look dead to
 * Temporal and be retried as timed out (the workflow's heartbeatTimeout).
 */
async function keepAlive(): Promise<void> {
  heartbeat();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export function createVoteActivities(db: Db) {
  return {
    /** The results to publish when a vote closes. */
    async voteResults(eventId: string): Promise<VoteResults> {
      heartbeat();
      return computeVoteResults(db, eventId, keepAlive);
    },
  };
}

export type VoteActivities = ReturnType<typeof createVoteActivities>;
