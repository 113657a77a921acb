// Activities of public hearings: what the conclusion publishes alongside the documents (registrations
// and written proposals, aggregates only). Terms and notices are shared with discussions
// (activities/discussion.ts).
import type { Db } from '../db/connection';
import { proposalCounts } from './discussion';

export interface HearingFigures {
  registrations: number;
  proposals: { total: number; approved: number; rejected: number; pending: number };
}

export function createHearingActivities(db: Db) {
  return {
    async hearingFigures(args: { eventId: string }): Promise<HearingFigures> {
      const [{ n }] = await db('hearing_registrations').where({ event_id: args.eventId }).count<{ n: string }[]>('* as n');
      const c = await proposalCounts(db, args.eventId);
      return { registrations: Number(n), proposals: { total: c.total, approved: c.approved, rejected: c.rejected, pending: c.pending } };
    },
  };
}

export type HearingActivities = ReturnType<typeof createHearingActivities>;
