// Webhook delivery activities: one signed POST per attempt, every attempt in the log, and the pause of
// a subscription that has failed for longer than the threshold (its owner told through the
// notifications outbox). Every write is keyed by the delivery and its run, so a retried or stale
// activity never overwrites a newer run's outcome.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { feedEventOf, type CaseEventRow } from '../domain/integration/feed';
import { afterFailure } from '../domain/outbound/backoff';
import { secretsOf } from '../domain/outbound/webhook/signature';
import { httpWebhookTransport, type WebhookAttemptOutcome, type WebhookTransport } from '../domain/outbound/webhook/transport';
import { WEBHOOK_FAILURE, type WebhookDeliveryInput, type WebhookDeliveryOutcome } from '../workflows/webhook/messages';

export interface WebhookActivityOptions {
  /** The transport for a given timeout; HTTP by default. */
  transport?: (timeoutMs: number) => WebhookTransport;
}

interface SubscriptionRow {
  id: string;
  organisation_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  status: 'active' | 'paused';
  owner_email: string | null;
  created_by: number | null;
}

function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Pauses a failing subscription in `trx`: status paused, the deliveries not yet done held (their
 * workflows find it so at their next attempt), and one notice to its owner per pause.
 */
export async function pauseFailingSubscription(trx: Knex.Transaction, sub: SubscriptionRow, lastError: string): Promise<boolean> {
  const [paused] = await trx('webhook_subscriptions')
    .where({ id: sub.id, status: 'active' })
    .update({ status: 'paused', paused_at: trx.fn.now(), paused_reason: 'failing', updated_at: trx.fn.now() })
    .returning(['paused_at', 'failing_since']);
  if (!paused) return false; // paused already (by another delivery or by hand)
  await trx('webhook_deliveries').where({ subscription_id: sub.id }).whereIn('status', ['pending', 'delivering'])
    .update({ status: 'held', next_attempt_at: null });
  const organisation = await trx('organisations').where({ id: sub.organisation_id }).first('name');
  const pausedAt = new Date(paused.paused_at);
  await trx('notifications').insert({
    dedup_key: `webhook-paused:${sub.id}:${pausedAt.getTime()}`,
    case_id: null,
    channel: 'email',
    recipient_kind: 'webhook_owner',
    recipient_user_id: sub.created_by,
    recipient_address: sub.owner_email,
    subject: `Веб-хук № ${sub.id} приостановлен: доставки не проходят`,
    body: [
      `Подписка № ${sub.id} организации «${organisation?.name ?? sub.organisation_id}» на адрес ${sub.url} приостановлена ${utcText(pausedAt)}:`,
      `доставки событий не проходят с ${utcText(new Date(paused.failing_since))}.`,
      `Последняя ошибка: ${lastError}`,
      '',
      'Новые события сохраняются и не теряются. Устраните неисправность на стороне получателя и возобновите подписку',
      `(POST /webhooks/subscriptions/${sub.id}/resume) — накопленные события будут доставлены.`,
    ].join('\n'),
  }).onConflict('dedup_key').ignore();
  return true;
}

/**
 * Records one attempt of a delivery's run in one transaction: the delivery row, the attempt log, the
 * subscription's failure streak, and its pause when it has failed for `pauseAfterMs`. Returns whether
 * this attempt paused the subscription.
 */
async function recordWebhookAttempt(db: Db, a: {
  deliveryId: string; run: number; sub: SubscriptionRow; outcome: WebhookAttemptOutcome; at: Date; nextAttemptAt: Date | null; pauseAfterMs: number;
}): Promise<boolean> {
  const { sub, outcome, at } = a;
  return db.transaction(async (trx) => {
    const [row] = await trx('webhook_deliveries').where({ id: a.deliveryId, run: a.run })
      .update({
        attempts: trx.raw('attempts + 1'),
        last_status_code: outcome.statusCode,
        last_error: outcome.error,
        last_attempt_at: at,
        next_attempt_at: a.nextAttemptAt,
        ...(outcome.delivered ? { status: 'delivered', delivered_at: trx.fn.now() } : {}),
      })
      .returning(['attempts']);
    if (!row) return false; // replaced by a newer run meanwhile: its log goes on, this outcome is not its
    await trx('webhook_delivery_attempts').insert({
      delivery_id: a.deliveryId, attempt: row.attempts, at, status_code: outcome.statusCode, error: outcome.error, duration_ms: outcome.durationMs,
    });
    if (outcome.delivered) {
      await trx('webhook_subscriptions').where({ id: sub.id }).whereNotNull('failing_since').update({ failing_since: null, updated_at: trx.fn.now() });
      return false;
    }
    await trx('webhook_subscriptions').where({ id: sub.id }).whereNull('failing_since').update({ failing_since: trx.fn.now() });
    const { rows: [state] } = await trx.raw(
      `select status, (extract(epoch from now() - failing_since) * 1000)::bigint as failing_ms from webhook_subscriptions where id = ?`,
      [sub.id],
    );
    if (state && state.status === 'active' && Number(state.failing_ms) >= a.pauseAfterMs) {
      return pauseFailingSubscription(trx, sub, outcome.error ?? 'unknown error');
    }
    return false;
  });
}

export function createWebhookActivities(db: Db, options: WebhookActivityOptions = {}) {
  const transportFor = options.transport ?? ((timeoutMs: number) => httpWebhookTransport({ timeoutMs }));

  return {
    async deliverWebhook(input: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
      const delivery = await db('webhook_deliveries').where({ id: input.deliveryId }).first();
      if (!delivery) return 'gone';
      if (delivery.run !== input.run) return 'superseded';
      // A previous attempt of this run recorded its outcome but its completion was lost: do not send again.
      if (delivery.status === 'delivered' || delivery.status === 'held' || delivery.status === 'failed') return delivery.status;
      const sub = (await db('webhook_subscriptions').where({ id: delivery.subscription_id }).first()) as SubscriptionRow | undefined;
      if (!sub) return 'gone';
      if (sub.status === 'paused') {
        await db('webhook_deliveries').where({ id: delivery.id, run: input.run }).whereNot({ status: 'delivered' })
          .update({ status: 'held', next_attempt_at: null });
        return 'held';
      }
      const event = (await db('case_events').where({ id: delivery.case_event_id }).first()) as CaseEventRow | undefined;
      // The same document as the change feed's event, so a СЭД can consume either.
      const document = event ? feedEventOf(event) : null;
      if (!document) return 'gone';
      await db('webhook_deliveries').where({ id: delivery.id, run: input.run, status: 'pending' }).update({ status: 'delivering' });

      const body = JSON.stringify(document);
      const at = new Date();
      const outcome = await transportFor(input.timeoutMs).send({
        url: sub.url, deliveryId: String(delivery.id), eventType: document.type, body, ...secretsOf(sub),
      });

      // Attempt number of this run (1, 2, …) → when Temporal will try next on the same back-off, for the delivery log.
      const next = outcome.delivered ? null : afterFailure(input.retry, Context.current().info.attempt, false);
      const nextAttemptAt = next?.retry ? new Date(Date.now() + next.delayMs) : null;

      const paused = await recordWebhookAttempt(db, { deliveryId: delivery.id, run: input.run, sub, outcome, at, nextAttemptAt, pauseAfterMs: input.pauseAfterMs });

      if (outcome.delivered) return 'delivered';
      if (paused) {
        throw ApplicationFailure.nonRetryable(
          `subscription ${sub.id} has failed for longer than ${input.pauseAfterMs} ms and is paused; delivery ${delivery.id} is held`,
          WEBHOOK_FAILURE.paused,
        );
      }
      // A receiver being down is expected, not a fault of the platform: benign (logged at DEBUG, not WARN),
      // and the attempt is in the delivery log already.
      throw ApplicationFailure.create({
        message: `delivery ${delivery.id} to ${sub.url} failed: ${outcome.error}`,
        type: WEBHOOK_FAILURE.attemptFailed,
        category: ApplicationFailureCategory.BENIGN,
      });
    },

    /** The run's attempts are exhausted: failed, unless a newer run or an outcome came first. */
    async markWebhookDeliveryFailed(args: { deliveryId: string; run: number }): Promise<WebhookDeliveryOutcome> {
      const n = await db('webhook_deliveries').where({ id: args.deliveryId, run: args.run }).whereIn('status', ['pending', 'delivering'])
        .update({ status: 'failed', next_attempt_at: null });
      if (n > 0) return 'failed';
      const row = await db('webhook_deliveries').where({ id: args.deliveryId }).first('status', 'run');
      if (!row) return 'gone';
      return row.run !== args.run ? 'superseded' : row.status;
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
