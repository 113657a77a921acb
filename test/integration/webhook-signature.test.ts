// Webhook signatures: what the platform signs is what a receiver following docs/webhooks.md accepts,
// and any change to the body, the timestamp or the signature, a wrong secret or an old timestamp is refused.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateWebhookSecret, secretsOf, signingSecrets, verifyWebhookSignature, webhookSignature } from '../../domain/outbound/webhook/signature';
import { httpWebhookTransport, signedHeaders } from '../../domain/outbound/webhook/transport';
import { parseDuration } from '../../domain/config/env';
import { webhookConfigFromEnv } from '../../domain/integration/webhook-policy';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ eventId: '17', type: 'case.answered', caseId: '22-2026-000001' });
  const now = Date.parse('2026-11-27T12:00:00Z');
  const ts = Math.floor(now / 1000);

  it('is v1= hex HMAC-SHA256 of "<timestamp>.<body>", computed independently here', () => {
    const expected = 'v1=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    assert.equal(webhookSignature(secret, ts, body), expected);
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateWebhookSecret(), secret);
  });

  it('verifies a genuine request and refuses every kind of tampering', () => {
    const signature = webhookSignature(secret, ts, body);
    const ok = { secret, body, timestamp: String(ts), signature, now };
    assert.deepEqual(verifyWebhookSignature(ok), { ok: true });
    assert.deepEqual(verifyWebhookSignature({ ...ok, body: body.replace('answered', 'closed') }), { ok: false, reason: 'signature mismatch' });
    assert.deepEqual(verifyWebhookSignature({ ...ok, signature: signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0') }), { ok: false, reason: 'signature mismatch' });
    assert.deepEqual(verifyWebhookSignature({ ...ok, secret: generateWebhookSecret() }), { ok: false, reason: 'signature mismatch' });
    // The timestamp is signed: moving it into the window breaks the signature.
    assert.deepEqual(verifyWebhookSignature({ ...ok, timestamp: String(ts + 1) }), { ok: false, reason: 'signature mismatch' });
    // A replayed old request: genuine signature, timestamp outside the window.
    assert.deepEqual(verifyWebhookSignature({ ...ok, now: now + 301_000 }), { ok: false, reason: 'timestamp outside the tolerance window' });
    assert.deepEqual(verifyWebhookSignature({ ...ok, now: now + 299_000 }), { ok: true });
    assert.equal(verifyWebhookSignature({ ...ok, signature: undefined }).ok, false);
    assert.equal(verifyWebhookSignature({ ...ok, timestamp: 'yesterday' }).ok, false);
    // During a rotation a sender may list several signatures; one good one suffices.
    assert.deepEqual(verifyWebhookSignature({ ...ok, signature: `v1=${'0'.repeat(64)}, ${signature}` }), { ok: true });
  });

  it('signs the headers of a message with its delivery id and event type', () => {
    const h = signedHeaders({ url: 'https://example.org/hook', deliveryId: '42', eventType: 'case.answered', body, secret }, now);
    assert.equal(h['Otklik-Webhook-Id'], '42');
    assert.equal(h['Otklik-Event-Type'], 'case.answered');
    assert.equal(h['Otklik-Timestamp'], String(ts));
    assert.equal(h['Otklik-Signature'], webhookSignature(secret, ts, body));
  });

  it('signs with the previous secret too during its grace period after a rotation', () => {
    const previous = 'whsec_the-one-before';
    const sub = { secret, previous_secret: previous, previous_secret_expires_at: new Date(now + 3600_000) };
    assert.deepEqual(signingSecrets(sub, now), [secret, previous]);
    assert.deepEqual(signingSecrets({ ...sub, previous_secret_expires_at: new Date(now - 1) }, now), [secret], 'expired: the new one only');
    const h = signedHeaders({ url: 'https://example.org/hook', deliveryId: '43', eventType: 'case.answered', body, ...secretsOf(sub, now) }, now);
    for (const key of [secret, previous]) {
      assert.deepEqual(verifyWebhookSignature({ secret: key, body, timestamp: h['Otklik-Timestamp'], signature: h['Otklik-Signature'], now }), { ok: true });
    }
    assert.equal(verifyWebhookSignature({ secret: 'whsec_someone-else', body, timestamp: h['Otklik-Timestamp'], signature: h['Otklik-Signature'], now }).ok, false);
  });

  it('reads the retry and pause settings from the environment and reports bad values', () => {
    assert.equal(parseDuration('24h'), 86_400_000);
    assert.equal(parseDuration('1500ms'), 1500);
    assert.equal(parseDuration('90'), 90_000);
    assert.equal(parseDuration('soon'), null);
    const good = webhookConfigFromEnv({ OTKLIK_WEBHOOK_PAUSE_AFTER: '3s', OTKLIK_WEBHOOK_RETRY_INITIAL: '200ms', OTKLIK_WEBHOOK_RETRY_MAX: '1s', OTKLIK_WEBHOOK_ALLOW_HTTP: '1' });
    assert.deepEqual(good.problems, []);
    assert.equal(good.config.policy.pauseAfterMs, 3000);
    assert.equal(good.config.policy.initialIntervalMs, 200);
    assert.equal(good.config.allowHttp, true);
    assert.equal(webhookConfigFromEnv({}).config.policy.pauseAfterMs, 24 * 3_600_000);
    const bad = webhookConfigFromEnv({ OTKLIK_WEBHOOK_PAUSE_AFTER: 'a day', OTKLIK_WEBHOOK_ALLOW_HTTP: 'maybe', OTKLIK_WEBHOOK_RETRY_INITIAL: '2h' });
    assert.equal(bad.problems.length, 3, bad.problems.join('\n'));
  });

  describe('through HTTP to the test receiver', () => {
    let receiver: WebhookReceiver;
    before(async () => {
      receiver = await startWebhookReceiver();
      receiver.useSecret(secret);
    });
    after(async () => receiver?.close());

    it('does not send to this machine outside development: a failed attempt, nothing received', async () => {
      const before = receiver.received.length;
      const out = await httpWebhookTransport({ timeoutMs: 2000, allowLoopback: false }).send({ url: receiver.url, deliveryId: '9', eventType: 'case.answered', body, secret });
      assert.equal(out.delivered, false);
      assert.equal(out.statusCode, null);
      assert.match(out.error ?? '', /^refused: .*loopback/);
      assert.equal(receiver.received.length, before);
    });

    it('is accepted when signed by the transport, refused when tampered with', async () => {
      const transport = httpWebhookTransport({ timeoutMs: 5000, allowLoopback: true });
      const good = await transport.send({ url: receiver.url, deliveryId: '1', eventType: 'case.answered', body, secret });
      assert.deepEqual({ delivered: good.delivered, statusCode: good.statusCode, error: good.error }, { delivered: true, statusCode: 200, error: null });

      const headers = signedHeaders({ url: receiver.url, deliveryId: '2', eventType: 'case.answered', body, secret });
      const tampered = await fetch(receiver.url, { method: 'POST', headers, body: body.replace('answered', 'closed') });
      assert.equal(tampered.status, 401);
      const wrongSecret = await transport.send({ url: receiver.url, deliveryId: '3', eventType: 'case.answered', body, secret: generateWebhookSecret() });
      assert.equal(wrongSecret.delivered, false);
      assert.equal(wrongSecret.statusCode, 401);
      assert.match(wrongSecret.error ?? '', /^HTTP 401: rejected: signature mismatch/);
      assert.deepEqual(receiver.received.map((r) => [r.deliveryId, r.verified]), [['1', true], ['2', false], ['3', false]]);
    });

    it('reports a refused connection and a timeout as failed attempts without an HTTP status', async () => {
      const closed = await startWebhookReceiver();
      const url = closed.url;
      await closed.close();
      const refused = await httpWebhookTransport({ timeoutMs: 2000, allowLoopback: true }).send({ url, deliveryId: '4', eventType: 'case.answered', body, secret });
      assert.equal(refused.delivered, false);
      assert.equal(refused.statusCode, null);
      assert.match(refused.error ?? '', /ECONNREFUSED/);

      const silent = http.createServer(() => undefined); // takes the request, never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const slow = await httpWebhookTransport({ timeoutMs: 300, allowLoopback: true })
          .send({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, deliveryId: '5', eventType: 'case.answered', body, secret });
        assert.deepEqual({ delivered: slow.delivered, statusCode: slow.statusCode, error: slow.error }, { delivered: false, statusCode: null, error: 'no answer within 300 ms' });
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });
  });
});
