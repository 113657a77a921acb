// Activities shared by every participation event: the idempotent projection of lifecycle transitions.
// Type-specific activities (results, proposals) live in activities/<type>.ts.
import type { Db } from '../db/connection';
import type { Actor } from '../workflows/shared/actor';
import type { ParticipationInput, ParticipationState } from '../workflows/participation/messages';

export interface ParticipationTransition {
  input: ParticipationInput;
  state: ParticipationState;
  type: string; // created | published | opened | extended | closed | results_published | cancelled | <type-specific>
  actor: Actor;
  occurredAt: string;
  details: Record<string, unknown>;
  /** Published results (aggregates only), when this transition publishes them. */
  results?: unknown;
}

export function createParticipationActivities(db: Db) {
  return {
    /** Event row moves forward only; the log row is unique per (event, seq): a retry changes nothing. */
    async projectParticipationTransition(t: ParticipationTransition): Promise<void> {
      const { input, state } = t;
      await db.transaction(async (trx) => {
        const row: Record<string, unknown> = {
          id: input.eventId,
          type: input.type,
          region_id: input.regionId,
          organisation_id: input.organisationId,
          title: input.title,
          description: input.description ?? null,
          status: state.status,
          phase: state.phase,
          opens_at: state.schedule.opensAt,
          closes_at: state.schedule.closesAt,
          results_visibility: state.schedule.resultsVisibility,
          audience: JSON.stringify(input.audience),
          anonymous: input.anonymous,
          settings: JSON.stringify(input.settings),
          state: JSON.stringify(state),
          last_seq: state.seq,
          created_by: input.createdBy.userId,
          updated_at: trx.fn.now(),
        };
        if (t.results !== undefined) row.results = JSON.stringify(t.results);
        const mutable = ['status', 'phase', 'opens_at', 'closes_at', 'results_visibility', 'state', 'last_seq', 'updated_at',
          ...(t.results !== undefined ? ['results'] : [])];
        await trx('participation_events').insert(row).onConflict('id').merge(mutable).where('participation_events.last_seq', '<', state.seq);
        await trx('participation_event_log').insert({
          event_id: input.eventId, seq: state.seq, type: t.type, actor_role: t.actor.role, actor_user_id: t.actor.userId,
          details: JSON.stringify(t.details), occurred_at: t.occurredAt,
        }).onConflict(['event_id', 'seq']).ignore();
      });
    },
  };
}

export type ParticipationActivities = ReturnType<typeof createParticipationActivities>;
