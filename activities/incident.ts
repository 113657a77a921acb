// Activities of the incident workflow: its routing (the region's routing rules and profile) and every
// write of the read model. Writes are idempotent: the case row only moves forward (last_seq), the
// incident row takes the reply's address, and notifications are deduplicated by (incident, step, recipient).
import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { loadRoutingData } from '../db/reference';
import { regionProfile, RoutingImpossibleError } from '../domain/reference/routing';
import { NoIncidentHandlerError, routeIncident } from '../workflows/rules/incident-routing';
import type { IncidentInput, IncidentState } from '../workflows/incident/messages';
import type { IncidentEventType, IncidentRouting } from '../workflows/incident/transitions';
import type { Actor } from '../workflows/shared/actor';
import { FAILURE } from '../workflows/shared/failures';
import { caseFacts, FACTLESS_TRANSITIONS, refreshCaseRollup } from '../domain/monitoring/facts';
import { writeCaseRow } from '../domain/cases/projection';
import { noticeAudience, noticeRows, type Notice } from '../domain/outbound/notices';

export interface IncidentTransition {
  input: IncidentInput;
  state: IncidentState;
  type: IncidentEventType;
  actor: Actor;
  occurredAt: string;
  details: Record<string, unknown>;
}

/** The case type, kind and channel incidents carry in the cases read model: the channel indicators group by. */
export const INCIDENT_CHANNEL = 'incident';

export function createIncidentActivities(db: Db) {
  return {
    /**
     * The organisation the region's routing rules choose for the suggested category and territory, if it
     * uses the incidents module, else the region's incident coordinator (workflows/rules/incident-routing.ts);
     * and the region's incident term.
     */
    async routeIncident(input: IncidentInput): Promise<IncidentRouting> {
      const profile = await regionProfile(db, input.regionId).catch((e: unknown) => {
        throw e instanceof RoutingImpossibleError ? ApplicationFailure.nonRetryable(e.message, FAILURE.invalidInput) : e;
      });
      // A suggested category without a subcategory matches category rules and below, never a subcategory's.
      const request = { categoryId: input.categoryId, subcategoryId: input.subcategoryId ?? input.categoryId, territoryId: input.territoryId };
      try {
        const decision = routeIncident(await loadRoutingData(db, input.regionId), request);
        return { organisationId: decision.organisationId, explanation: decision.explanation, termHours: profile.incidentTermHours, reminderHours: profile.incidentReminderHours };
      } catch (e) {
        if (!(e instanceof NoIncidentHandlerError)) throw e;
        throw ApplicationFailure.nonRetryable(e.message, 'NoRoute');
      }
    },

    /** Writes one transition: the case row, the incident's reply address, notifications; all or nothing. */
    async projectIncidentTransition(t: IncidentTransition): Promise<void> {
      await db.transaction(async (trx) => {
        // The incident's share of the monitoring rollups before this step, replaced by its share after it below.
        const counted = !FACTLESS_TRANSITIONS.includes(t.type);
        const factsBefore = counted ? await caseFacts(trx, t.state.incidentId) : [];
        const written = await writeCaseRow(trx, caseColumns(trx, t), t.state.seq);
        if (t.state.reply) await trx('incidents').where({ id: t.state.incidentId }).update({ reply_url: t.state.reply.url });
        if (!written) return; // this step was projected before: its notifications and rollups are done
        const notifications = await incidentNotifications(trx, t);
        if (notifications.length > 0) await trx('notifications').insert(notifications).onConflict('dedup_key').ignore();
        if (counted) await refreshCaseRollup(trx, t.state.incidentId, factsBefore);
      });
    },
  };
}

/** The incident as a row of the cases read model (case_type and kind 'incident'). */
function caseColumns(trx: Knex.Transaction, t: IncidentTransition): Record<string, unknown> {
  const { input, state } = t;
  return {
    id: state.incidentId,
    case_type: INCIDENT_CHANNEL,
    kind: INCIDENT_CHANNEL,
    // The channel the monitoring indicators count incidents under (domain/monitoring/facts.ts).
    channel: INCIDENT_CHANNEL,
    region_id: state.regionId,
    applicant_name: input.authorHandle,
    category_id: input.categoryId,
    subcategory_id: input.subcategoryId,
    territory_id: input.territoryId,
    text: input.text,
    organisation_id: state.organisationId,
    status: state.status,
    overdue: state.overdue,
    registered_at: state.registeredAt ?? input.receivedAt,
    answer_due_at: state.answerDueAt,
    answered_at: state.reply?.repliedAt ?? null,
    closed_at: state.closedAt,
    resolution: state.resolution,
    answer_text: state.reply?.text ?? null,
    state: JSON.stringify(state),
    last_seq: state.seq,
    last_action_at: t.occurredAt,
    updated_at: trx.fn.now(),
  };
}

/** What an incident's notices are written from. */
interface IncidentNoticeFacts { n: string; post: string; due: string; orgName: string }

/** What the handling organisation's operators are told, by transition type. */
const TO_ORGANISATION: Partial<Record<IncidentEventType, (f: IncidentNoticeFacts) => Notice>> = {
  registered: ({ n, post, due }) => ({ subject: `Новый инцидент ${n}`, body: `Найдено сообщение в открытых источниках (${post}). Опубликуйте ответ до ${due}.` }),
  reminder: ({ n, post, due }) => ({ subject: `Напоминание: ответ на инцидент ${n}`, body: `Срок публичного ответа истекает ${due}. Сообщение: ${post}.` }),
  overdue: ({ n, post, due }) => ({ subject: `Просрочен ответ на инцидент ${n}`, body: `Срок публичного ответа истёк ${due}. Сообщение: ${post}.` }),
};

/** What the region's supervisors are told, by transition type. */
const TO_SUPERVISORS: Partial<Record<IncidentEventType, (f: IncidentNoticeFacts) => Notice>> = {
  overdue: ({ n, post, due, orgName }) => ({ subject: `Просрочка: инцидент ${n}`, body: `«${orgName}» не ответил(а) публично в срок до ${due}. Сообщение: ${post}.` }),
};

/** The outbox rows of an incident's step: to the handling organisation's operators and the region's supervisors. */
async function incidentNotifications(trx: Knex.Transaction, t: IncidentTransition) {
  const { state } = t;
  const told = { operators: Object.hasOwn(TO_ORGANISATION, t.type), supervisors: Object.hasOwn(TO_SUPERVISORS, t.type) };
  if (!told.operators && !told.supervisors) return [];
  const to = { caseId: state.incidentId, seq: state.seq, regionId: state.regionId, organisationId: state.organisationId };
  const audience = await noticeAudience(trx, to, told);
  // Incident terms are hours: the date and the time, as the region's clock reads them.
  const due = state.answerDueAt ? new Date(state.answerDueAt).toLocaleString('ru-RU', { timeZone: audience.timeZone }) : '—';
  const facts: IncidentNoticeFacts = { n: `№ ${state.incidentId}`, post: `${t.input.network}: ${t.input.postUrl}`, due, orgName: audience.orgName };
  return noticeRows(to, audience, { toOrganisation: TO_ORGANISATION[t.type]?.(facts) ?? null, toSupervisors: TO_SUPERVISORS[t.type]?.(facts) ?? null });
}

export type IncidentActivities = ReturnType<typeof createIncidentActivities>;
