// The webhook send method: a signed HTTP POST of one delivery, to a destination the request-forgery
// guard allows (destination.ts). It is a SendMethod of the outbound contract (../types.ts), so another
// transport (a message queue, a СЭД's own protocol) can be added beside HTTP. Every failed attempt is
// transient here: the delivery workflow retries it on the common back-off (../backoff.ts), and a
// subscription failing for a day is paused (activities/webhook.ts), the webhooks' permanent-failure rule.
import type { SendMethod } from '../types';
import { refusedDestination } from './destination';
import { webhookHttpAllowed } from '../../integration/webhook-policy';
import { DELIVERY_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signatureHeader } from './signature';

export interface WebhookMessage {
  /** The recipient: the subscription's URL. */
  url: string;
  /** The idempotency key, Otklik-Webhook-Id: the delivery's id, the same at every attempt and replay (receivers dedupe on it). */
  deliveryId: string;
  eventType: string;
  /** The JSON body exactly as signed. */
  body: string;
  secret: string;
  /** The replaced secret during its grace period after a rotation: signed with too. */
  previousSecret?: string;
}

export interface WebhookAttemptOutcome {
  delivered: boolean;
  /** The HTTP status, or null when no answer came (refused, timeout, DNS). */
  statusCode: number | null;
  /** Why it failed, for the delivery log; null when delivered. */
  error: string | null;
  durationMs: number;
}

/** The webhook method: its attempt's outcome keeps the HTTP status and duration for the delivery log. */
export type WebhookTransport = SendMethod<WebhookMessage, WebhookAttemptOutcome>;

/** The signed headers of a message sent at `now` (ms). */
export function signedHeaders(message: WebhookMessage, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Otklik-Webhooks/1',
    [DELIVERY_ID_HEADER]: message.deliveryId,
    [EVENT_TYPE_HEADER]: message.eventType,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: signatureHeader([message.secret, ...(message.previousSecret ? [message.previousSecret] : [])], timestamp, message.body),
  };
}

/** Reads at most `limit` bytes of a response body for the log, then drops the rest. */
async function bodyExcerpt(res: Response, limit = 300): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8').replace(/\s+/g, ' ').trim();
}

/**
 * POSTs the message. A 2xx answer is a delivery; anything else (3xx included: redirects are not
 * followed, the subscriber must give the final URL), a timeout or a network error is a failed attempt.
 */
export function httpWebhookTransport(opts: { timeoutMs?: number; allowLoopback?: boolean } = {}): WebhookTransport {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    name: 'webhook',
    async send(message) {
      const started = Date.now();
      try {
        // Where the host name points now (it may have changed since the subscription was saved).
        const refused = await refusedDestination(message.url, opts.allowLoopback ?? webhookHttpAllowed());
        if (refused) return { delivered: false, statusCode: null, error: `refused: ${refused}`, durationMs: Date.now() - started };
        const res = await fetch(message.url, {
          method: 'POST',
          headers: signedHeaders(message, started),
          body: message.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const excerpt = await bodyExcerpt(res).catch(() => '');
        const delivered = res.status >= 200 && res.status < 300;
        return {
          delivered,
          statusCode: res.status,
          error: delivered ? null : `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`,
          durationMs: Date.now() - started,
        };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string; message?: string } };
        const reason = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms`
          : err.cause?.code ? `${err.cause.code}${err.cause.message ? `: ${err.cause.message}` : ''}` : err.message;
        return { delivered: false, statusCode: null, error: reason.slice(0, 500), durationMs: Date.now() - started };
      }
    },
  };
}
