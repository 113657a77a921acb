// Signatures of webhook deliveries. Each request carries Otklik-Timestamp (unix seconds) and
// Otklik-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")> (during the day after a
// rotation, a second v1= with the previous secret follows, comma-separated). Signing the timestamp with
// the body lets a receiver refuse a replayed old request; comparing in constant time keeps the secret's
// bytes from leaking through timing. Receivers may use verifyWebhookSignature (docs/webhooks.md).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Otklik-Signature';
export const TIMESTAMP_HEADER = 'Otklik-Timestamp';
export const DELIVERY_ID_HEADER = 'Otklik-Webhook-Id';
export const EVENT_TYPE_HEADER = 'Otklik-Event-Type';
/** How far a receiver should accept the timestamp from its own clock (5 minutes, as Stripe and Svix do). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new signing secret: 32 random bytes, shown to the subscriber once. */
export function generateWebhookSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64url');
}

/** The v1 signature of a body sent at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** How long a replaced secret keeps signing next to the new one after a rotation. */
export const SECRET_ROTATION_GRACE_MS = 24 * 3600_000;

/** The secrets a delivery is signed with now: the current one, and the previous one during its grace period. */
export function signingSecrets(sub: { secret: string; previous_secret?: string | null; previous_secret_expires_at?: Date | string | null }, now = Date.now()): string[] {
  const previousValid = sub.previous_secret && sub.previous_secret_expires_at && new Date(sub.previous_secret_expires_at).getTime() > now;
  return previousValid ? [sub.secret, sub.previous_secret as string] : [sub.secret];
}

/** The secret and, during its grace period after a rotation, the previous one, as a message carries them. */
export function secretsOf(sub: Parameters<typeof signingSecrets>[0], now = Date.now()): { secret: string; previousSecret?: string } {
  const [secret, previousSecret] = signingSecrets(sub, now);
  return previousSecret ? { secret, previousSecret } : { secret };
}

/** The Otklik-Signature header: one v1 signature per secret, comma-separated (receivers accept any match). */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return secrets.map((s) => webhookSignature(s, timestamp, body)).join(',');
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Checks a received delivery: the timestamp within `toleranceSeconds` of `now`, and one of the v1
 * signatures in the header (several, comma-separated, may be sent) matching the raw body.
 */
export function verifyWebhookSignature(opts: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds?: number;
  now?: number;
}): VerifyResult {
  const { secret, body } = opts;
  if (!opts.timestamp || !/^\d{1,12}$/.test(opts.timestamp)) return { ok: false, reason: 'missing or malformed timestamp' };
  if (!opts.signature) return { ok: false, reason: 'missing signature' };
  const ts = Number(opts.timestamp);
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'timestamp outside the tolerance window' };
  const expected = Buffer.from(webhookSignature(secret, ts, body), 'utf8');
  for (const candidate of opts.signature.split(',').map((s) => s.trim())) {
    const given = Buffer.from(candidate, 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'signature mismatch' };
}
