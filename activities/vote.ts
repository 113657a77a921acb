// The vote's activity: its results when it closes, computed by domain/participation/vote.ts.
import type { Db } from '../db/connection';
import { computeVoteResults, type VoteResults } from '../domain/participation/vote';

export function createVoteActivities(db: Db) {
  return {
    /** The results to publish when a vote closes. */
    async voteResults(eventId: string): Promise<VoteResults> {
      return computeVoteResults(db, eventId);
    },
  };
}

export type VoteActivities = ReturnType<typeof createVoteActivities>;
