// The appeal's projection into the read model: one transition's event row, case row, notifications and
// monitoring rollups, all or nothing and at most once per step (the event row is unique by case and seq,
// the case row only moves forward, notifications are deduplicated by key). Written by the workflow's
// projectAppealTransition activity, and for a registration by the intake (domain/cases/intake.ts).
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { Actor } from '../../workflows/shared/actor';
import type { AppealEventType } from '../../workflows/appeal/events';
import type { AppealInput, AppealState } from '../../workflows/appeal/messages';
import { currentExternalRegistration } from '../../workflows/appeal/state';
import { appealNotifications } from '../outbound/notices';
import { caseFacts, FACTLESS_TRANSITIONS, refreshCaseRollup } from '../monitoring/facts';
import { queueOverdueNotice } from './overdue-digest';
import { writeCaseRow } from './projection';
import { insertOrderedCaseEvent } from './event-order';

/** Hand-over transitions: the case leaves details.from for another organisation. */
const HAND_OVERS: readonly AppealEventType[] = ['redirected', 'reassigned', 'escalated'];

export interface AppealTransition {
  input: AppealInput;
  state: AppealState;
  type: AppealEventType;
  actor: Actor;
  occurredAt: string;
  details: Record<string, unknown>;
}

/** The columns of the case row as a transition leaves it (undefined: leave the stored value). */
function caseColumns(trx: Knex.Transaction, t: AppealTransition): Record<string, unknown> {
  const { input, state } = t;
  const external = currentExternalRegistration(state);
  return {
    id: state.caseId,
    case_type: 'appeal',
    kind: state.kind,
    region_id: state.regionId,
    applicant_user_id: input.applicant.userId,
    applicant_name: input.applicant.name,
    applicant_email: input.applicant.email ?? null,
    applicant_address: input.applicant.postalAddress ?? null,
    category_id: input.categoryId,
    subcategory_id: input.subcategoryId,
    territory_id: input.territoryId,
    text: input.text,
    address: input.address ?? null,
    latitude: input.location?.latitude ?? null,
    longitude: input.location?.longitude ?? null,
    media_url: input.mediaUrl ?? null,
    channel: input.channel ?? 'web',
    organisation_id: state.organisationId,
    status: state.status,
    overdue: state.overdue,
    term_advisory: state.advisory,
    advisory_due_at: state.advisoryDueAt,
    advisory_missed: state.advisoryMissed,
    accelerated: state.accelerated,
    term_days: state.termDays,
    registered_at: state.registeredAt ?? input.receivedAt,
    answer_due_at: state.answerDueAt,
    taken_at: t.type === 'taken_into_work' ? t.occurredAt : undefined,
    answered_at: state.answer?.answeredAt ?? null,
    closed_at: state.closedAt,
    resolution: state.resolution,
    rating: state.rating,
    round: state.round,
    extended: state.extended,
    answer_text: state.answer?.text ?? null,
    external_number: external?.externalNumber ?? null,
    external_registered_at: external?.externalRegisteredAt ?? null,
    state: JSON.stringify(state),
    last_seq: state.seq,
    last_action_at: t.actor.role === 'system' ? undefined : t.occurredAt,
    updated_at: trx.fn.now(),
  };
}

/**
 * Inserts the case_events row of a transition, in the order readers rely on (domain/cases/event-order.ts).
 * False when the step's row was there already (another attempt of the step got it in first).
 */
async function insertCaseEvent(trx: Knex.Transaction, t: AppealTransition): Promise<boolean> {
  const { state } = t;
  const external = currentExternalRegistration(state);
  const event = {
    case_id: state.caseId,
    seq: state.seq,
    type: t.type,
    actor_role: t.actor.role,
    actor_user_id: t.actor.userId,
    organisation_id: state.organisationId,
    from_organisation_id: HAND_OVERS.includes(t.type) && typeof t.details.from === 'string' ? t.details.from : null,
    snapshot: JSON.stringify({
      status: state.status,
      answerDueAt: state.answerDueAt,
      overdue: state.overdue,
      round: state.round,
      // The advisory target as it stood (monitoring counts answers within it: domain/monitoring/facts.ts).
      advisoryDueAt: state.advisoryDueAt,
      externalNumber: external?.externalNumber ?? null,
      externalRegisteredAt: external?.externalRegisteredAt ?? null,
    }),
    details: JSON.stringify(t.details),
    occurred_at: t.occurredAt,
  };
  return (await insertOrderedCaseEvent(trx, event)) !== undefined;
}

/** Writes one transition: event row, case row, notifications; all or nothing, at most once per step. */
export async function projectAppealTransition(db: Db, t: AppealTransition): Promise<void> {
  const { state } = t;
  await db.transaction(async (trx) => {
    // The case's share of the monitoring rollups before this step, replaced by its share after it below.
    // A case has no share before its registration: nothing to read then.
    const counted = !FACTLESS_TRANSITIONS.includes(t.type);
    const factsBefore = counted && t.type !== 'registered' ? await caseFacts(trx, state.caseId) : [];
    const row = caseColumns(trx, t);
    const written = await writeCaseRow(trx, { ...row, last_action_at: row.last_action_at || t.occurredAt }, state.seq);
    // The case row and the step's event commit together, so a row written now (it was behind this step)
    // means the step is new; a row at this step or beyond is looked at once more, in the event table.
    if (!written && await trx('case_events').where({ case_id: state.caseId, seq: state.seq }).first('id')) {
      return; // this step was projected before: its notifications are queued already
    }
    // Two attempts of one step racing here both queue the same rows; dedup_key keeps one of each.
    const notifications = await appealNotifications(trx, t);
    if (notifications.length > 0) {
      await trx('notifications').insert(notifications).onConflict('dedup_key').ignore();
    }
    await queueOverdueNotice(trx, t);
    if (await insertCaseEvent(trx, t) && counted) await refreshCaseRollup(trx, state.caseId, factsBefore);
  });
}
