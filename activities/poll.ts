// The poll's activity: its results when it closes, computed by domain/participation/poll.ts.
import type { Db } from '../db/connection';
import { computePollResults, type PollResults } from '../domain/participation/poll';

export function createPollActivities(db: Db) {
  return {
    /** The results to publish when a poll closes. */
    async pollResults(eventId: string): Promise<PollResults> {
      return computePollResults(db, eventId);
    },
  };
}

export type PollActivities = ReturnType<typeof createPollActivities>;
