// Activities of discussions of draft documents (and the terms and notices hearings share with them):
// the draft's versions and points, counts of proposals, terms in the region's time zone, and the
// notifications outbox. Every write is idempotent: a retried activity changes nothing the second time.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/connection';
import { loadRegionProfile } from '../db/reference';
import { FAILURE } from '../workflows/shared/failures';
import { answerTerm } from '../workflows/rules/answer-term';
import { compareVersions, splitDraft, type DraftChanges, type DraftPoint, type ProposalCounts } from '../workflows/rules/discussion';
import type { OutboxRow } from '../domain/outbound/outbox';
import { localDateFormat, noticeAudience, type NoticeAudience } from '../domain/outbound/notices';

export interface EventTerm {
  dueAt: string;
  /** The region's reminder offsets (days before the term). */
  reminderOffsetsDays: number[];
}

/** What an event notice is about; the activity writes its text. */
export interface EventNotice {
  eventId: string;
  /** The workflow step that caused it: with the recipient, the deduplication key. */
  seq: number;
  regionId: string;
  organisationId: string;
  title: string;
  kind: 'answering_started' | 'hearing_held' | 'reminder' | 'overdue';
  /** Which term: the answers to a discussion's proposals, a hearing's protocol or conclusion. */
  term: 'answers' | 'protocol' | 'conclusion' | 'protocol_and_conclusion';
  dueAt: string;
  conclusionDueAt?: string;
  offsetDays?: number;
}

const TERM_WHAT: Record<EventNotice['term'], string> = {
  answers: 'ответы на предложения участников и итоговый документ',
  protocol: 'протокол публичных слушаний',
  conclusion: 'заключение о результатах публичных слушаний',
  protocol_and_conclusion: 'протокол и заключение публичных слушаний',
};

export async function proposalCounts(db: Db, eventId: string): Promise<ProposalCounts> {
  const row = await db('event_proposals').where({ event_id: eventId }).first(
    db.raw('count(*)::int as total'),
    db.raw(`count(*) filter (where status = 'pending')::int as pending`),
    db.raw(`count(*) filter (where status = 'approved')::int as approved`),
    db.raw(`count(*) filter (where status = 'rejected')::int as rejected`),
    db.raw(`count(*) filter (where status = 'approved' and answer is not null)::int as answered`),
    db.raw(`count(*) filter (where answer = 'accepted')::int as accepted`),
    db.raw(`count(*) filter (where answer = 'partly')::int as partly`),
    db.raw(`count(*) filter (where answer = 'rejected')::int as answered_rejected`),
  );
  return {
    total: row.total, pending: row.pending, approved: row.approved, rejected: row.rejected, answered: row.answered,
    accepted: row.accepted, partly: row.partly, answeredRejected: row.answered_rejected,
  };
}

export function createDiscussionActivities(db: Db) {
  return {
    /** Stores a version of a draft and its numbered points (storeDraftVersion below). */
    async storeDraftVersion(args: DraftVersion): Promise<{ pointCount: number; changes: DraftChanges | null }> {
      return storeDraftVersion(db, args);
    },

    /** Counts of an event's proposals by moderation and answer. */
    async eventProposalCounts(args: { eventId: string }): Promise<ProposalCounts> {
      return proposalCounts(db, args.eventId);
    },

    /** A term of `days` from `from`, ending at the end of the local day in the region's time zone (as appeals' terms). */
    async eventTerm(args: { regionId: string; from: string; days: number }): Promise<EventTerm> {
      const profile = await loadRegionProfile(db, args.regionId);
      if (!profile) throw ApplicationFailure.nonRetryable(`region ${args.regionId} has no regulation profile`, FAILURE.invalidInput);
      const dueAt = answerTerm(args.from, { days: args.days, dayKind: profile.dayKind, timeZone: profile.timeZone, calendar: profile.calendar });
      return { dueAt, reminderOffsetsDays: profile.reminderOffsetsDays };
    },

    /** Queues the notices of one step of an event, once per recipient (queueEventNotices below). */
    async queueEventNotices(n: EventNotice): Promise<number> {
      return queueEventNotices(db, n);
    },
  };
}

interface DraftVersion { eventId: string; version: number; text: string; note?: string | null }

/**
 * Stores a version of a draft and its numbered points. The split is pure, so a retry writes the same
 * rows; an existing version is left as it is. Returns the points' count and the changes against the
 * previous version.
 */
async function storeDraftVersion(db: Db, args: DraftVersion): Promise<{ pointCount: number; changes: DraftChanges | null }> {
  let points: DraftPoint[];
  try {
    points = splitDraft(args.text);
  } catch (e) {
    throw ApplicationFailure.nonRetryable((e as Error).message, FAILURE.invalidInput);
  }
  let changes: DraftChanges | null = null;
  if (args.version > 1) {
    const previous = (await db('discussion_points').where({ event_id: args.eventId, version: args.version - 1 }).orderBy('number')) as DraftPoint[];
    changes = compareVersions(previous.map((p) => ({ number: p.number, label: p.label, text: p.text })), points);
  }
  await db.transaction(async (trx) => {
    const inserted = await trx('discussion_versions').insert({
      event_id: args.eventId, version: args.version, text: args.text, note: args.note ?? null, point_count: points.length,
      changes: changes ? JSON.stringify(changes) : null,
    }).onConflict(['event_id', 'version']).ignore().returning('version');
    if (inserted.length === 0) return;
    for (let i = 0; i < points.length; i += 500) {
      await trx('discussion_points')
        .insert(points.slice(i, i + 500).map((p) => ({ event_id: args.eventId, version: args.version, number: p.number, label: p.label, text: p.text })))
        .onConflict(['event_id', 'version', 'number']).ignore();
    }
  });
  return { pointCount: points.length, changes };
}

interface NoticeTexts { toOperators: { subject: string; body: string } | null; toSupervisors: { subject: string; body: string } | null }

/** The texts of an event's notice to its organisation's operators and, when a term is missed, to the region's supervisors. */
function eventNoticeTexts(n: EventNotice, { timeZone, orgName }: Pick<NoticeAudience, 'timeZone' | 'orgName'>): NoticeTexts {
  const format = localDateFormat(timeZone);
  const local = (iso: string) => format.format(new Date(iso));
  const what = TERM_WHAT[n.term];
  const title = `«${n.title}» (${n.eventId})`;
  let toOperators: { subject: string; body: string } | null = null;
  let toSupervisors: { subject: string; body: string } | null = null;
  switch (n.kind) {
    case 'answering_started':
      toOperators = {
        subject: `Обсуждение ${title} завершено`,
        body: `Обсуждение завершено. Ответьте на каждое одобренное предложение (принято, принято частично, отклонено — с обоснованием) и опубликуйте итоговый документ до ${local(n.dueAt)}.`,
      };
      break;
    case 'hearing_held':
      toOperators = {
        subject: `Публичные слушания ${title} состоялись`,
        body: `Опубликуйте протокол до ${local(n.dueAt)}${n.conclusionDueAt ? ` и заключение о результатах до ${local(n.conclusionDueAt)}` : ''}.`,
      };
      break;
    case 'reminder':
      toOperators = { subject: `Напоминание: ${what} — ${title}`, body: `Срок публикации (${what}) истекает ${local(n.dueAt)}.` };
      break;
    case 'overdue':
      toOperators = { subject: `Просрочено: ${what} — ${title}`, body: `Срок публикации (${what}) истёк ${local(n.dueAt)}.` };
      toSupervisors = { subject: `Просрочка: ${what} — ${title}`, body: `«${orgName}» не опубликовал(а) ${what} в срок до ${local(n.dueAt)}.` };
      break;
  }
  return { toOperators, toSupervisors };
}

/**
 * Queues the notices of one step of an event: to the organisation's operators (terms, reminders,
 * overdue) and, when a term is missed, to the region's supervisors. Deduplicated by (event, step,
 * recipient), so a retry queues nothing twice.
 */
async function queueEventNotices(db: Db, n: EventNotice): Promise<number> {
  // Every kind tells the operators; a missed term (overdue) tells the supervisors too.
  const audience = await noticeAudience(db, n, { operators: true, supervisors: n.kind === 'overdue' });
  const { toOperators, toSupervisors } = eventNoticeTexts(n, audience);
  const rows: (OutboxRow & { event_id: string })[] = [];
  const key = `event:${n.eventId}:${n.seq}`;
  const base = { case_id: null as unknown as string, event_id: n.eventId, channel: 'email' };
  if (toOperators) {
    for (const op of audience.operators) {
      rows.push({ ...base, dedup_key: `${key}:operator:${op.id}`, recipient_kind: 'operator', recipient_user_id: op.id, recipient_address: op.email, ...toOperators });
    }
  }
  if (toSupervisors) {
    for (const sv of audience.supervisors) {
      rows.push({ ...base, dedup_key: `${key}:supervisor:${sv.id}`, recipient_kind: 'supervisor', recipient_user_id: sv.id, recipient_address: sv.email, ...toSupervisors });
    }
  }
  if (rows.length > 0) await db('notifications').insert(rows).onConflict('dedup_key').ignore();
  return rows.length;
}

export type DiscussionActivities = ReturnType<typeof createDiscussionActivities>;
