// Notifications of case transitions, written to the outbox (domain/outbound/outbox.ts) in the same
// transaction as the transition; the outbox's dispatcher sends them. Texts are in Russian: they go to people.
import type { Knex } from 'knex';
import { prepared, type Db } from '../../db/connection';
import type { OutboxRow } from './outbox';
import type { AppealInput, AppealState } from '../../workflows/appeal/messages';

/**
 * The part of a case transition (domain/cases/appeal-projection.ts AppealTransition) its notices are written from,
 * declared here rather than imported so that the appeal's activities and its notices do not import
 * each other.
 */
export interface NotifiedTransition {
  input: Pick<AppealInput, 'applicant'>;
  state: AppealState;
  type: string;
  details: Record<string, unknown>;
}

export interface Notice { subject: string; body: string }

/** What a notice is written from: the transition, the case number, the organisation, dates on the region's clock. */
interface NoticeContext {
  t: NotifiedTransition;
  state: AppealState;
  n: string;
  orgName: string;
  localDate: (iso: string | null | undefined) => string;
}

type Compose = (c: NoticeContext) => Notice | null;

const GROUNDS: Record<string, string> = {
  obscene_or_threatening: 'обращение содержит нецензурные либо оскорбительные выражения или угрозы; сообщаем о недопустимости злоупотребления правом (ч. 3 ст. 11 Федерального закона № 59-ФЗ)',
  unreadable: 'текст обращения не поддаётся прочтению (ч. 4 ст. 11 Федерального закона № 59-ФЗ)',
  repeated_question: 'в обращении содержится вопрос, на который заявителю неоднократно давались письменные ответы по существу; переписка по данному вопросу прекращена (ч. 5 ст. 11 Федерального закона № 59-ФЗ)',
  no_name_or_address: 'не указаны фамилия или почтовый адрес заявителя (ч. 1 ст. 11 Федерального закона № 59-ФЗ)',
};

/** What the applicant is told, by transition type. */
const TO_APPLICANT: Record<string, Compose> = {
  registered: ({ n, orgName, state, localDate }) => ({ subject: `Ваше обращение ${n} зарегистрировано`, body: `Обращение зарегистрировано и направлено в «${orgName}». Срок ответа — до ${localDate(state.answerDueAt)}.` }),
  redirected: ({ n, orgName, t }) => ({ subject: `Обращение ${n} перенаправлено`, body: `Обращение перенаправлено по компетенции в «${orgName}». Причина: ${t.details.reason}.` }),
  reassigned: ({ n, orgName }) => ({ subject: `Обращение ${n} передано другому исполнителю`, body: `Обращение передано в «${orgName}».` }),
  clarification_requested: ({ n, t }) => ({ subject: `По обращению ${n} нужны уточнения`, body: `Исполнитель просит уточнить: ${t.details.question}` }),
  term_extended: ({ n, t, state, localDate }) => ({ subject: `Срок ответа по обращению ${n} продлён`, body: `Срок продлён на ${t.details.days} дн., до ${localDate(state.answerDueAt)}. Причина: ${t.details.reason}.` }),
  term_changed: ({ n, state, localDate }) => ({ subject: `Срок ответа по обращению ${n} изменён`, body: `Новый срок ответа — до ${localDate(state.answerDueAt)}.` }),
  answered: ({ n, state, localDate }) => ({ subject: `Получен ответ на обращение ${n}`, body: `${state.answer?.text ?? ''}\n\nОцените ответ по шкале от 1 до 5 до ${localDate(state.ratingDueAt)}.` }),
  // 59-FZ art. 11 p. 1: without a name or postal address no answer is given at all.
  left_without_answer: ({ n, t }) => (t.details.ground === 'no_name_or_address' ? null
    : { subject: `Обращение ${n} оставлено без ответа по существу`, body: `Основание: ${GROUNDS[String(t.details.ground)] ?? t.details.ground}.` }),
  escalated: ({ n, orgName, state, localDate }) => ({ subject: `Обращение ${n} направлено на повторное рассмотрение`, body: `После вашей оценки обращение направлено вышестоящему участнику «${orgName}». Новый срок ответа — до ${localDate(state.answerDueAt)}.` }),
  closed: ({ n }) => ({ subject: `Работа по обращению ${n} завершена`, body: 'Обращение закрыто. Спасибо, что помогаете сделать работу органов власти лучше.' }),
  reopened: ({ n, state, localDate }) => ({ subject: `Обращение ${n} возобновлено`, body: `Рассмотрение обращения возобновлено. Срок ответа — до ${localDate(state.answerDueAt)}.` }),
};

const newCase: Compose = ({ n, state, localDate }) => ({
  subject: `Новое обращение ${n}`,
  body: `Поступило обращение. Срок ответа — до ${localDate(state.answerDueAt)}.${state.advisoryDueAt ? ` Рекомендуемый срок — до ${localDate(state.advisoryDueAt)}.` : ''}`,
});

/** What the handling organisation's operators are told, by transition type. */
const TO_ORGANISATION: Record<string, Compose> = {
  registered: newCase, redirected: newCase, reassigned: newCase, escalated: newCase, reopened: newCase,
  reminder: ({ n, state, localDate }) => ({ subject: `Напоминание: срок ответа по обращению ${n}`, body: `Срок ответа истекает ${localDate(state.answerDueAt)}.` }),
  clarification_replied: ({ n, t }) => ({ subject: `Заявитель ответил на запрос по обращению ${n}`, body: String(t.details.text ?? '') }),
  overdue: ({ n, state, localDate }) => ({ subject: `Просрочен ответ по обращению ${n}`, body: `Срок ответа истёк ${localDate(state.answerDueAt)}.` }),
  advisory_term_missed: ({ n, state, localDate }) => ({
    subject: `Истёк рекомендуемый срок по обращению ${n}`,
    body: `Рекомендуемый срок истёк ${localDate(state.advisoryDueAt)}. Обязательный срок ответа — до ${localDate(state.answerDueAt)}.`,
  }),
};

/**
 * What the region's supervisors are told at once, by transition type. An overdue case is told in the
 * supervisors' next digest instead (overdueNoticeOf, composeOverdueDigests).
 */
const TO_SUPERVISORS: Record<string, Compose> = {
  closed: ({ n, state }) => (state.resolution === 'negative_at_top'
    ? { subject: `Отрицательная оценка на верхнем уровне: обращение ${n}`, body: 'Заявитель оценил ответ отрицательно, вышестоящего участника нет.' }
    : null),
};

function noticeOf(table: Record<string, Compose>, c: NoticeContext): Notice | null {
  return Object.hasOwn(table, c.t.type) ? table[c.t.type](c) : null;
}

/**
 * The region's date format, one per time zone: toLocaleDateString would build the same formatter for every
 * date of every notice (a profile of the worker showed it among the costliest calls of a transition).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
export function localDateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) dateFormats.set(timeZone, (format = new Intl.DateTimeFormat('ru-RU', { timeZone })));
  return format;
}

/** One recipient of a notice: a user of the platform with the address their mail goes to. */
interface Recipient { id: number; email: string | null }

/** Who and what a step's notices are written for, as one read returns it (noticeAudience). */
export interface NoticeAudience {
  /** The handling organisation's name (its id when it has none, '—' without an organisation). */
  orgName: string;
  /** The region's time zone: dates are shown as its clock reads them. */
  timeZone: string;
  operators: Recipient[];
  supervisors: Recipient[];
}

/**
 * The organisation's name, the region's time zone and the recipients asked for, in one query: a step's
 * notices cost one round trip to PostgreSQL, inside the projection's transaction, whatever they need.
 */
export async function noticeAudience(
  trx: Knex.Transaction | Db, to: Pick<NoticeTarget, 'regionId' | 'organisationId'>, want: { operators: boolean; supervisors: boolean },
): Promise<NoticeAudience> {
  const recipients = (role: string, column: string) => `(select coalesce(json_agg(json_build_object('id', u.id, 'email', u.email) order by u.id), '[]'::json)
    from users u where u.role = '${role}' and u.${column} = ?)`;
  // One of four texts (operators asked or not, supervisors asked or not): prepared.
  const sql = `select
      (select name from organisations where id = ?) as org_name,
      (select time_zone from regions where id = ?) as time_zone,
      ${want.operators && to.organisationId ? recipients('operator', 'organisation_id') : `'[]'::json`} as operators,
      ${want.supervisors ? recipients('supervisor', 'region_id') : `'[]'::json`} as supervisors`;
  const { rows: [r] } = await trx.raw(sql,
    [to.organisationId, to.regionId, ...(want.operators && to.organisationId ? [to.organisationId] : []), ...(want.supervisors ? [to.regionId] : [])])
    .options(prepared(sql));
  return {
    orgName: to.organisationId ? (r.org_name ?? to.organisationId) : '—',
    timeZone: r.time_zone ?? 'UTC',
    operators: r.operators as Recipient[],
    supervisors: r.supervisors as Recipient[],
  };
}

/** Where a case's notices go and the step they belong to (the outbox's dedup key). */
export interface NoticeTarget {
  caseId: string;
  seq: number;
  regionId: string;
  organisationId: string | null;
  applicant?: { userId: number | null; email: string | null };
}

/** The notices of one step, by whom they are for (null or absent: none). */
export interface StepNotices { applicant?: Notice | null; toOrganisation?: Notice | null; toSupervisors?: Notice | null }

/**
 * The outbox rows of one step of a case of any type (appeal, incident): the applicant's notice, one to
 * each operator of the handling organisation, one to each supervisor of the region. Each row's dedup key
 * is the case, the step and the recipient, so a retried step queues nothing twice.
 */
export function noticeRows(to: NoticeTarget, audience: NoticeAudience, notices: StepNotices): OutboxRow[] {
  const rows: OutboxRow[] = [];
  const key = `${to.caseId}:${to.seq}`;
  if (notices.applicant && to.applicant) {
    rows.push({ dedup_key: `${key}:applicant`, case_id: to.caseId, channel: 'email', recipient_kind: 'applicant',
      recipient_user_id: to.applicant.userId, recipient_address: to.applicant.email, ...notices.applicant });
  }
  const toEach = (kind: 'operator' | 'supervisor', recipients: Recipient[], notice: Notice) => {
    for (const u of recipients) {
      rows.push({ dedup_key: `${key}:${kind}:${u.id}`, case_id: to.caseId, channel: 'email', recipient_kind: kind,
        recipient_user_id: u.id, recipient_address: u.email, ...notice });
    }
  };
  if (notices.toOrganisation && to.organisationId) toEach('operator', audience.operators, notices.toOrganisation);
  if (notices.toSupervisors) toEach('supervisor', audience.supervisors, notices.toSupervisors);
  return rows;
}

/**
 * The outbox rows for one transition: to the applicant, the handling organisation's operators, the region's
 * supervisors. A transition nobody is told of (taken into work, acknowledged) reads nothing.
 */
export async function appealNotifications(trx: Knex.Transaction | Db, t: NotifiedTransition): Promise<OutboxRow[]> {
  const { state } = t;
  const told = { applicant: Object.hasOwn(TO_APPLICANT, t.type), operators: Object.hasOwn(TO_ORGANISATION, t.type), supervisors: Object.hasOwn(TO_SUPERVISORS, t.type) };
  if (!told.applicant && !told.operators && !told.supervisors) return [];
  const to: NoticeTarget = {
    caseId: state.caseId, seq: state.seq, regionId: state.regionId, organisationId: state.organisationId,
    applicant: { userId: t.input.applicant.userId, email: t.input.applicant.email ?? null },
  };
  const audience = await noticeAudience(trx, to, told);
  // Terms end at the end of a local day: show the date as the region's clock reads it.
  const format = localDateFormat(audience.timeZone);
  const localDate = (iso: string | null | undefined) => (iso ? format.format(new Date(iso)) : '—');
  const c: NoticeContext = { t, state, n: `№ ${state.caseId}`, orgName: audience.orgName, localDate };
  return noticeRows(to, audience, { applicant: noticeOf(TO_APPLICANT, c), toOrganisation: noticeOf(TO_ORGANISATION, c), toSupervisors: noticeOf(TO_SUPERVISORS, c) });
}
