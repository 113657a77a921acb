// Notifications of case transitions, written to the outbox in the same transaction as the transition,
// and the dispatcher that delivers the outbox. Texts are in Russian: they go to people.
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import type { AppealTransition } from './appeal';

export interface OutboxRow {
  dedup_key: string;
  case_id: string;
  channel: string;
  recipient_kind: 'applicant' | 'operator' | 'supervisor';
  recipient_user_id: number | null;
  recipient_address: string | null;
  subject: string;
  body: string;
}

const GROUNDS: Record<string, string> = {
  obscene_or_threatening: 'обращение содержит нецензурные либо оскорбительные выражения или угрозы; сообщаем о недопустимости злоупотребления правом (ч. 3 ст. 11 Федерального закона № 59-ФЗ)',
  unreadable: 'текст обращения не поддаётся прочтению (ч. 4 ст. 11 Федерального закона № 59-ФЗ)',
  repeated_question: 'в обращении содержится вопрос, на который заявителю неоднократно давались письменные ответы по существу; переписка по данному вопросу прекращена (ч. 5 ст. 11 Федерального закона № 59-ФЗ)',
  no_name_or_address: 'не указаны фамилия или почтовый адрес заявителя (ч. 1 ст. 11 Федерального закона № 59-ФЗ)',
};


/** The outbox rows for one transition: to the applicant, the handling organisation's operators, the region's supervisors. */
export async function appealNotifications(trx: Knex.Transaction | Db, t: AppealTransition): Promise<OutboxRow[]> {
  const { state, input } = t;
  const orgName = state.organisationId
    ? ((await trx('organisations').where({ id: state.organisationId }).first('name'))?.name ?? state.organisationId)
    : '—';
  const timeZone = (await trx('regions').where({ id: state.regionId }).first('time_zone'))?.time_zone ?? 'UTC';
  // Terms end at the end of a local day: show the date as the region's clock reads it.
  const localDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString('ru-RU', { timeZone }) : '—');
  const n = `№ ${state.caseId}`;
  const applicant: { subject: string; body: string } | null = (() => {
    switch (t.type) {
      case 'registered':
        return { subject: `Ваше обращение ${n} зарегистрировано`, body: `Обращение зарегистрировано и направлено в «${orgName}». Срок ответа — до ${localDate(state.answerDueAt)}.` };
      case 'redirected':
        return { subject: `Обращение ${n} перенаправлено`, body: `Обращение перенаправлено по компетенции в «${orgName}». Причина: ${t.details.reason}.` };
      case 'reassigned':
        return { subject: `Обращение ${n} передано другому исполнителю`, body: `Обращение передано в «${orgName}».` };
      case 'clarification_requested':
        return { subject: `По обращению ${n} нужны уточнения`, body: `Исполнитель просит уточнить: ${t.details.question}` };
      case 'term_extended':
        return { subject: `Срок ответа по обращению ${n} продлён`, body: `Срок продлён на ${t.details.days} дн., до ${localDate(state.answerDueAt)}. Причина: ${t.details.reason}.` };
      case 'term_changed':
        return { subject: `Срок ответа по обращению ${n} изменён`, body: `Новый срок ответа — до ${localDate(state.answerDueAt)}.` };
      case 'answered':
        return { subject: `Получен ответ на обращение ${n}`, body: `${state.answer?.text ?? ''}\n\nОцените ответ по шкале от 1 до 5 до ${localDate(state.ratingDueAt)}.` };
      case 'left_without_answer':
        // 59-FZ art. 11 p. 1: without a name or postal address no answer is given at all.
        if (t.details.ground === 'no_name_or_address') return null;
        return { subject: `Обращение ${n} оставлено без ответа по существу`, body: `Основание: ${GROUNDS[String(t.details.ground)] ?? t.details.ground}.` };
      case 'escalated':
        return { subject: `Обращение ${n} направлено на повторное рассмотрение`, body: `После вашей оценки обращение направлено вышестоящему участнику «${orgName}». Новый срок ответа — до ${localDate(state.answerDueAt)}.` };
      case 'closed':
        return { subject: `Работа по обращению ${n} завершена`, body: 'Обращение закрыто. Спасибо, что помогаете сделать работу органов власти лучше.' };
      case 'reopened':
        return { subject: `Обращение ${n} возобновлено`, body: `Рассмотрение обращения возобновлено. Срок ответа — до ${localDate(state.answerDueAt)}.` };
      default:
        return null;
    }
  })();
  const toOrganisation: { subject: string; body: string } | null = (() => {
    switch (t.type) {
      case 'registered': case 'redirected': case 'reassigned': case 'escalated': case 'reopened':
        return { subject: `Новое обращение ${n}`, body: `Поступило обращение. Срок ответа — до ${localDate(state.answerDueAt)}${state.advisory ? ' (рекомендуемый)' : ''}.` };
      case 'reminder':
        return { subject: `Напоминание: срок ответа по обращению ${n}`, body: `Срок ответа истекает ${localDate(state.answerDueAt)}.` };
      case 'clarification_replied':
        return { subject: `Заявитель ответил на запрос по обращению ${n}`, body: String(t.details.text ?? '') };
      case 'overdue':
        return { subject: `Просрочен ответ по обращению ${n}`, body: `Срок ответа истёк ${localDate(state.answerDueAt)}.` };
      default:
        return null;
    }
  })();
  const toSupervisors: { subject: string; body: string } | null = (() => {
    switch (t.type) {
      case 'overdue':
        return { subject: `Просрочка: обращение ${n}`, body: `«${orgName}» не ответил(а) в срок до ${localDate(state.answerDueAt)}${state.advisory ? ' (срок рекомендуемый)' : ''}.` };
      case 'closed':
        return state.resolution === 'negative_at_top'
          ? { subject: `Отрицательная оценка на верхнем уровне: обращение ${n}`, body: 'Заявитель оценил ответ отрицательно, вышестоящего участника нет.' }
          : null;
      default:
        return null;
    }
  })();

  const rows: OutboxRow[] = [];
  const key = `${state.caseId}:${state.seq}`;
  if (applicant) {
    rows.push({ dedup_key: `${key}:applicant`, case_id: state.caseId, channel: 'email', recipient_kind: 'applicant',
      recipient_user_id: input.applicant.userId, recipient_address: input.applicant.email ?? null, ...applicant });
  }
  if (toOrganisation && state.organisationId) {
    const operators = await trx('users').where({ role: 'operator', organisation_id: state.organisationId }).select('id', 'email');
    for (const op of operators) {
      rows.push({ dedup_key: `${key}:operator:${op.id}`, case_id: state.caseId, channel: 'email', recipient_kind: 'operator',
        recipient_user_id: op.id, recipient_address: op.email, ...toOrganisation });
    }
  }
  if (toSupervisors) {
    const supervisors = await trx('users').where({ role: 'supervisor', region_id: state.regionId }).select('id', 'email');
    for (const sv of supervisors) {
      rows.push({ dedup_key: `${key}:supervisor:${sv.id}`, case_id: state.caseId, channel: 'email', recipient_kind: 'supervisor',
        recipient_user_id: sv.id, recipient_address: sv.email, ...toSupervisors });
    }
  }
  return rows;
}

export interface Mailer {
  send(message: { from: string; to: string; subject: string; text: string; messageId?: string }): Promise<void>;
}

/**
 * The Message-ID of an outbox row: the same at every delivery attempt, so that a message delivered again
 * after a crash (see dispatchOutbox) is recognisable as the same message by mail systems and clients.
 */
export function notificationMessageId(row: { id: number | string; dedup_key: string }, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'otklik.local';
  return `<otklik.${row.id}.${row.dedup_key.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
}

/**
 * Delivers pending outbox rows, up to `batch` of them. Each row is claimed (SKIP LOCKED, so several
 * dispatchers can run), delivered and marked in a transaction of its own: a crash between the SMTP
 * server accepting a message and the commit delivers that one message again, never more (email has no
 * exactly-once; the stable Message-ID lets the receiving side drop the repeat, and the dedup key keeps
 * the outbox itself unique). A row whose delivery failed is not tried again in the same call.
 * Returns the number of rows delivered or skipped; 0 means nothing could be done now.
 */
export async function dispatchOutbox(db: Db, mailer: Mailer | null, from: string, batch = 50): Promise<number> {
  const failed: number[] = [];
  let done = 0;
  while (done + failed.length < batch) {
    const outcome = await db.transaction(async (trx) => {
      const [row] = await trx('notifications').where({ status: 'pending' }).whereNotIn('id', failed)
        .orderBy('id').limit(1).forUpdate().skipLocked();
      if (!row) return 'empty' as const;
      if (!row.recipient_address) {
        await trx('notifications').where({ id: row.id }).update({ status: 'skipped', last_error: 'no address for the recipient' });
        return 'done' as const;
      }
      if (!mailer) {
        await trx('notifications').where({ id: row.id }).update({ status: 'skipped', last_error: 'SMTP is not configured (SMTP_URL)' });
        return 'done' as const;
      }
      try {
        await mailer.send({ from, to: row.recipient_address, subject: row.subject, text: row.body, messageId: notificationMessageId(row, from) });
        await trx('notifications').where({ id: row.id }).update({ status: 'sent', sent_at: trx.fn.now(), attempts: row.attempts + 1 });
        return 'done' as const;
      } catch (e) {
        const attempts = row.attempts + 1;
        await trx('notifications').where({ id: row.id }).update({
          attempts, last_error: String((e as Error).message).slice(0, 500), status: attempts >= 10 ? 'failed' : 'pending',
        });
        failed.push(Number(row.id));
        return 'failed' as const;
      }
    });
    if (outcome === 'empty') break;
    if (outcome === 'done') done++;
  }
  return done;
}
