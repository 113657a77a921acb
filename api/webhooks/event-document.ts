// The document of one public case event as integrations receive it (webhook bodies; the change feed
// describes the same event): {eventId, type, caseId, occurredAt, organisationId, data}. Built only from
// the stored case_events row, so every attempt and every replay of a delivery sends the same document.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import { publicCaseEventType, type CaseEventType } from '../../workflows/appeal/events';

export interface CaseEventDocument {
  /** case_events.id as a string: unique, increasing in commit order. */
  eventId: string;
  type: CaseEventType;
  caseId: string;
  occurredAt: string;
  /** The organisation handling the case right after the event. */
  organisationId: string | null;
  data: {
    seq: number;
    actorRole: string | null;
    /** Hand-overs (routed, escalated): the organisation the case left. */
    fromOrganisationId: string | null;
    details: Record<string, unknown>;
    /** The case's public fields right after the event, when the projection recorded them. */
    case: Record<string, unknown> | null;
  };
}

export interface CaseEventRow {
  id: string | number;
  case_id: string;
  seq: number;
  type: string;
  actor_role: string | null;
  organisation_id: string | null;
  details: Record<string, unknown> | string | null;
  occurred_at: Date | string;
  from_organisation_id?: string | null;
  snapshot?: Record<string, unknown> | string | null;
}

function json(v: Record<string, unknown> | string | null | undefined): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : v;
}

/** The document of a stored event, or null when its type is internal (not published to integrations). */
export function caseEventDocument(row: CaseEventRow): CaseEventDocument | null {
  const type = publicCaseEventType(row.type);
  if (!type) return null;
  const details = json(row.details) ?? {};
  const from = row.from_organisation_id ?? (typeof details.from === 'string' ? details.from : null);
  return {
    eventId: String(row.id),
    type,
    caseId: row.case_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    organisationId: row.organisation_id,
    data: {
      seq: row.seq,
      actorRole: row.actor_role,
      fromOrganisationId: from,
      details,
      case: json(row.snapshot),
    },
  };
}

export async function loadCaseEventDocument(db: Db | Knex.Transaction, caseEventId: string | number): Promise<CaseEventDocument | null> {
  const row = (await db('case_events').where({ id: caseEventId }).first()) as CaseEventRow | undefined;
  return row ? caseEventDocument(row) : null;
}
