// Webhooks end to end on the seeded platform (Temporal dev server, PostgreSQL, worker, API over HTTP)
// with the fan-out running as the worker runs it, on a fast retry schedule: subscriptions of an
// organisation's subtree receive signed case events; a receiver that fails gets retries with backoff,
// one that keeps failing gets its subscription paused and its owner told; resume and replay deliver
// again; the fan-out never records a delivery twice.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { WebhookDeliveryPolicy } from '../../domain/integration/webhook-policy';
import type { Db } from '../../db/connection';
import { deliveryInput, recordWebhookDeliveries, startPendingDeliveries, startWebhookFanout } from '../../ops/webhook-fanout';
import { WEBHOOK_DELIVERY_WORKFLOW_TYPE, webhookDeliveryWorkflowId } from '../../workflows/webhook/messages';
import { call, type TestApi } from '../api/helpers';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const POLICY: WebhookDeliveryPolicy = { initialIntervalMs: 300, maximumIntervalMs: 1000, maximumAttempts: 0, pauseAfterMs: 3000, timeoutMs: 5000 };

describe('webhooks: signed deliveries, retries, pausing, replay', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let db: Db;
  let api: TestApi;
  let fanout: { stop(): Promise<void> } | undefined;
  const taskQueue = `webhooks-${process.pid}`;
  const token: Record<string, string> = {};
  const receivers: WebhookReceiver[] = [];
  const savedAllowHttp = process.env.OTKLIK_WEBHOOK_ALLOW_HTTP;

  const appeal = (text: string) => ({
    kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', text,
    applicant: { name: 'Анна Смирнова', email: 'anna@example.org', postalAddress: 'г. Барнаул, ул. Ленина, 1' },
  });
  let appealNo = 0;
  async function submit(): Promise<string> {
    appealNo++;
    const r = await call(api, 'POST', '/appeals', { token: token.citizen, body: appeal(`Скорая ехала два часа (${appealNo})`), headers: { 'idempotency-key': `webhooks-appeal-${appealNo}-${process.pid}` } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.organisationId, 'altai.minzdrav');
    return r.body.id;
  }
  async function receiver(): Promise<WebhookReceiver> {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  }
  async function subscribe(as: string, r: WebhookReceiver, body: Record<string, unknown> = {}): Promise<any> {
    const created = await call(api, 'POST', '/webhooks/subscriptions', { token: as, body: { url: r.url, ...body } });
    assert.equal(created.status, 201, created.text);
    r.useSecret(created.body.secret);
    return created.body;
  }
  async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  const deliveriesOf = (subId: number, query = '') => call(api, 'GET', `/webhooks/subscriptions/${subId}/deliveries${query}`, { token: token.minzdrav });

  before(async () => {
    process.env.OTKLIK_WEBHOOK_ALLOW_HTTP = '1';
    platform = await startSeededPlatform('webhooks', taskQueue, async (d) => {
      token.citizen = (await createUserWithToken(d, { role: 'citizen', name: 'Анна Смирнова', email: 'anna@example.org' })).token;
      token.minzdrav = (await createUserWithToken(d, { role: 'operator', name: 'Оператор Минздрава', email: 'minzdrav-it@example.org', organisationId: 'altai.minzdrav' })).token;
      token.mintrans = (await createUserWithToken(d, { role: 'operator', name: 'Оператор Минтранса', organisationId: 'altai.mintrans' })).token;
      token.sed = (await createUserWithToken(d, { role: 'integration', name: 'СЭД Правительства', organisationId: 'altai.government', scopes: ['cases:read', 'webhooks:manage'] })).token;
      token.feedOnly = (await createUserWithToken(d, { role: 'integration', name: 'Читатель ленты', organisationId: 'altai.government', scopes: ['feed:read'] })).token;
    });
    ({ db, api } = platform);
    fanout = startWebhookFanout({ db, temporal: platform.env.client, taskQueue, policy: POLICY, intervalMs: 200 });
  });

  after(async () => {
    await fanout?.stop();
    await platform?.stop();
    for (const r of receivers) await r.close();
    if (savedAllowHttp === undefined) delete process.env.OTKLIK_WEBHOOK_ALLOW_HTTP;
    else process.env.OTKLIK_WEBHOOK_ALLOW_HTTP = savedAllowHttp;
  });

  let firstSub: any;
  let firstReceiver: WebhookReceiver;
  let firstCase: string;

  it('manages subscriptions per organisation: secret once, subtree for integrations, others see nothing', async () => {
    const r = await receiver();
    firstReceiver = r;
    firstSub = await subscribe(token.minzdrav, r, { description: 'СЭД Минздрава' });
    assert.equal(firstSub.organisationId, 'altai.minzdrav');
    assert.equal(firstSub.status, 'active');
    assert.deepEqual(firstSub.events, []);
    assert.equal(firstSub.ownerEmail, 'minzdrav-it@example.org', "the creator's e-mail by default");
    assert.match(firstSub.secret, /^whsec_/);

    const got = await call(api, 'GET', `/webhooks/subscriptions/${firstSub.id}`, { token: token.minzdrav });
    assert.equal(got.status, 200);
    assert.equal(got.body.secret, undefined, 'the secret is shown only at creation');
    assert.equal((await call(api, 'GET', `/webhooks/subscriptions/${firstSub.id}`, { token: token.mintrans })).status, 404);
    assert.deepEqual((await call(api, 'GET', '/webhooks/subscriptions', { token: token.mintrans })).body.items, []);
    // The government's СЭД manages the subtree, the ministry's subscription included.
    const listed = await call(api, 'GET', '/webhooks/subscriptions', { token: token.sed });
    assert.deepEqual(listed.body.items.map((s: { id: number }) => s.id), [firstSub.id]);
    assert.equal((await call(api, 'GET', '/webhooks/subscriptions', { token: token.feedOnly })).status, 403, 'needs the webhooks:manage scope');
    assert.equal((await call(api, 'POST', '/webhooks/subscriptions', { token: token.mintrans, body: { url: r.url, organisationId: 'altai.minzdrav' } })).status, 403);
    assert.equal((await call(api, 'POST', '/webhooks/subscriptions', { token: token.minzdrav, body: { url: 'ftp://example.org/hook' } })).status, 400);
    assert.equal((await call(api, 'POST', '/webhooks/subscriptions', { token: token.minzdrav, body: { url: r.url, events: ['case.nonsense'] } })).status, 400);
    process.env.OTKLIK_WEBHOOK_ALLOW_HTTP = '0';
    try {
      const plain = await call(api, 'POST', '/webhooks/subscriptions', { token: token.minzdrav, body: { url: r.url } });
      assert.equal(plain.status, 400);
      assert.match(plain.body.detail, /https:\/\//);
      const self = await call(api, 'POST', '/webhooks/subscriptions', { token: token.minzdrav, body: { url: 'https://127.0.0.1:7233/' } });
      assert.equal(self.status, 400);
      assert.match(self.body.detail, /loopback/, 'outside development, not this machine');
    } finally {
      process.env.OTKLIK_WEBHOOK_ALLOW_HTTP = '1';
    }
    const metadata = await call(api, 'POST', '/webhooks/subscriptions', { token: token.minzdrav, body: { url: 'http://169.254.169.254/latest/meta-data/' } });
    assert.equal(metadata.status, 400);
    assert.match(metadata.body.detail, /link-local/, 'never the cloud metadata service');
    assert.equal(await db('webhook_subscriptions').count<{ count: string }[]>('* as count').then((c) => Number(c[0].count)), 1, 'refused requests stored nothing');
  });

  it('delivers signed events of the subtree, filtered by type', async () => {
    const answersOnly = await receiver();
    const sedSub = await subscribe(token.sed, answersOnly, { events: ['case.answered'], organisationId: 'altai.government' });
    firstCase = await submit();
    const answered = await call(api, 'POST', `/cases/${firstCase}/answer`, { token: token.minzdrav, body: { text: 'Проведена проверка.' } });
    assert.equal(answered.status, 200, answered.text);

    const events = await waitFor('registered and answered at the ministry', () => {
      const types = firstReceiver.accepted().map((r) => r.json.type);
      return types.includes('case.registered') && types.includes('case.answered') ? firstReceiver.accepted() : undefined;
    });
    for (const e of events) {
      assert.equal(e.verified, true);
      assert.equal(e.eventType, e.json.type);
      assert.equal(e.json.caseId, firstCase);
      assert.equal(e.json.organisationId, 'altai.minzdrav');
      assert.match(e.json.eventId, new RegExp(`^${firstCase.replace(/[.]/g, '\\.')}/\\d+$`));
      assert.match(e.json.id, /^\d+$/);
      assert.ok(Math.abs(Number(e.timestamp) - Date.now() / 1000) < 60);
      assert.deepEqual(Object.keys(e.json).sort(), ['actor', 'caseId', 'data', 'eventId', 'id', 'occurredAt', 'organisationId', 'type']);
    }
    const answer = events.find((e) => e.json.type === 'case.answered')!;
    assert.equal(answer.json.data.text, 'Проведена проверка.');

    // The government's СЭД: the ministry's case (subtree), answers only.
    await waitFor('the answer at the government', () => answersOnly.accepted().length >= 1);
    await new Promise((res) => setTimeout(res, 500));
    assert.deepEqual(answersOnly.received.map((r) => r.json.type), ['case.answered']);
    assert.equal(answersOnly.received[0].json.eventId, answer.json.eventId, 'the same event, the same id, for every subscriber');

    const log = await deliveriesOf(firstSub.id);
    assert.equal(log.status, 200);
    assert.deepEqual(log.body.items.map((d: any) => [d.eventType, d.status, d.attempts]), [['case.answered', 'delivered', 1], ['case.registered', 'delivered', 1]]);
    assert.equal(log.body.items[0].log[0].statusCode, 200);
    assert.equal(String(log.body.items[0].id), answer.deliveryId, 'Otklik-Webhook-Id is the delivery id');
    const sedLog = await call(api, 'GET', `/webhooks/subscriptions/${sedSub.id}/deliveries`, { token: token.sed });
    assert.equal(sedLog.body.items.length, 1);
  });

  it('retries a failing receiver with backoff until it answers, logging every attempt', async () => {
    const flaky = await receiver();
    const sub = await subscribe(token.minzdrav, flaky, { events: ['case.registered'] });
    flaky.failNext(2, 500);
    const caseId = await submit();
    await waitFor('the third attempt', () => flaky.accepted().length === 1);
    assert.deepEqual(flaky.received.map((r) => r.status), [500, 500, 200]);
    assert.equal(new Set(flaky.received.map((r) => r.deliveryId)).size, 1, 'one delivery, three attempts');
    assert.ok(flaky.received.every((r) => r.verified && r.json.caseId === caseId));
    const gaps = flaky.received.slice(1).map((r, i) => r.at - flaky.received[i].at);
    assert.ok(gaps[0] >= 250 && gaps[1] >= 550, `exponential backoff from 300 ms, doubling: ${gaps.join(', ')} ms`);

    const log = await waitFor('the delivery marked delivered', async () => {
      const r = await deliveriesOf(sub.id);
      return r.body.items[0]?.status === 'delivered' ? r.body.items[0] : undefined;
    });
    assert.equal(log.attempts, 3);
    assert.deepEqual(log.log.map((a: any) => [a.attempt, a.statusCode]), [[1, 500], [2, 500], [3, 200]]);
    assert.match(log.log[0].error, /^HTTP 500/);
    assert.equal(log.log[2].error, null);
    const s = await call(api, 'GET', `/webhooks/subscriptions/${sub.id}`, { token: token.minzdrav });
    assert.equal(s.body.failingSince, null, 'a success ends the failure streak');
    assert.equal(s.body.status, 'active');
  });

  it('pauses a subscription that keeps failing, tells its owner, holds later events; resume delivers them', async () => {
    const broken = await receiver();
    const sub = await subscribe(token.minzdrav, broken, { events: ['case.registered', 'case.answered'], ownerEmail: 'duty@minzdrav.example.org' });
    broken.failAlways(503);
    const caseId = await submit();
    const paused = await pollUntil(api, `/webhooks/subscriptions/${sub.id}`, token.minzdrav, (b) => b.status === 'paused', 30_000);
    assert.equal(paused.pausedReason, 'failing');
    assert.ok(paused.failingSince && Date.parse(paused.pausedAt) - Date.parse(paused.failingSince) >= POLICY.pauseAfterMs);
    const attemptsBeforePause = broken.received.length;
    assert.ok(attemptsBeforePause >= 4, `retried until the threshold: ${attemptsBeforePause} attempts`);

    const notices = await db('notifications').where({ recipient_kind: 'webhook_owner' }).select('*');
    assert.equal(notices.length, 1);
    assert.equal(notices[0].recipient_address, 'duty@minzdrav.example.org');
    assert.match(notices[0].subject, new RegExp(`Веб-хук № ${sub.id} приостановлен`));
    assert.match(notices[0].body, /HTTP 503/);
    assert.match(notices[0].body, new RegExp(`/webhooks/subscriptions/${sub.id}/resume`));

    const held = (await deliveriesOf(sub.id)).body.items;
    assert.deepEqual(held.map((d: any) => [d.eventType, d.status]), [['case.registered', 'held']]);
    assert.equal(held[0].attempts, attemptsBeforePause);

    // An event while paused is recorded, held, not sent.
    assert.equal((await call(api, 'POST', `/cases/${caseId}/answer`, { token: token.minzdrav, body: { text: 'Ответ во время паузы.' } })).status, 200);
    await waitFor('the answer recorded as held', async () => (await deliveriesOf(sub.id, '?status=held')).body.items.length === 2);
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(broken.received.length, attemptsBeforePause, 'nothing is sent to a paused subscription');
    const replayPaused = await call(api, 'POST', `/webhooks/subscriptions/${sub.id}/deliveries/${held[0].id}/replay`, { token: token.minzdrav });
    assert.equal(replayPaused.status, 409, 'replay waits for resume');

    broken.succeed();
    const resumed = await call(api, 'POST', `/webhooks/subscriptions/${sub.id}/resume`, { token: token.minzdrav });
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal(resumed.body.status, 'active');
    assert.equal(resumed.body.failingSince, null);
    await waitFor('both held events delivered', () => broken.accepted().length === 2);
    assert.deepEqual(broken.accepted().map((r) => r.json.type).sort(), ['case.answered', 'case.registered']);
    const after = (await waitFor('delivered in the log', async () => {
      const items = (await deliveriesOf(sub.id)).body.items;
      return items.every((d: any) => d.status === 'delivered') ? items : undefined;
    })) as any[];
    const registered = after.find((d) => d.eventType === 'case.registered');
    assert.equal(registered.attempts, attemptsBeforePause + 1, 'the log goes on across runs');
    assert.equal(registered.run, 1);
    assert.equal(await db('notifications').where({ recipient_kind: 'webhook_owner' }).count<{ count: string }[]>('* as count').then((c) => Number(c[0].count)), 1);
  });

  it('replays a delivered event: same delivery id and event id, fresh signature', async () => {
    const log = (await deliveriesOf(firstSub.id, '?status=delivered')).body.items;
    const target = log.find((d: any) => d.eventType === 'case.registered' && d.caseId === firstCase);
    const before = firstReceiver.accepted().filter((r) => r.deliveryId === String(target.id));
    assert.equal(before.length, 1);
    const replay = await call(api, 'POST', `/webhooks/subscriptions/${firstSub.id}/deliveries/${target.id}/replay`, { token: token.minzdrav });
    assert.equal(replay.status, 202, replay.text);
    assert.equal(replay.body.status, 'pending');
    assert.equal(replay.body.run, 1);
    await waitFor('the replayed delivery', () => firstReceiver.accepted().filter((r) => r.deliveryId === String(target.id)).length === 2);
    const [first, again] = firstReceiver.accepted().filter((r) => r.deliveryId === String(target.id));
    assert.equal(again.verified, true);
    assert.equal(again.body, first.body, 'the same event document');
    assert.equal(again.json.eventId, target.eventId);
    const done = await waitFor('delivered again', async () => {
      const d = await call(api, 'GET', `/webhooks/subscriptions/${firstSub.id}/deliveries/${target.id}`, { token: token.minzdrav });
      return d.body.status === 'delivered' && d.body.attempts === 2 ? d.body : undefined;
    });
    assert.deepEqual(done.log.map((a: any) => a.attempt), [1, 2]);
    assert.equal((await call(api, 'POST', `/webhooks/subscriptions/${firstSub.id}/deliveries/${target.id}/replay`, { token: token.mintrans })).status, 404);
  });

  it('never records or starts a delivery twice when the fan-out restarts or repeats itself', async () => {
    await fanout?.stop();
    fanout = undefined;
    const count = async () => Number((await db('webhook_deliveries').count<{ count: string }[]>('* as count'))[0].count);
    const caseId = await submit();
    const recorded = await recordWebhookDeliveries(db);
    assert.ok(recorded.deliveries >= 1, 'the new registration is recorded');
    const total = await count();
    // A crash before the cursor's commit means reading the same events again: nothing new.
    await db('webhook_fanout_cursor').where({ id: 1 }).update({ last_case_event_id: 0 });
    const again = await recordWebhookDeliveries(db, 10_000);
    assert.equal(again.deliveries, 0);
    assert.equal(await count(), total);

    const pending = await db('webhook_deliveries').where({ case_id: caseId, subscription_id: firstSub.id }).first();
    assert.equal(pending.status, 'pending');
    // A fan-out that crashed after starting this delivery's workflow and before writing its id down…
    await platform.env.client.workflow.start(WEBHOOK_DELIVERY_WORKFLOW_TYPE, {
      workflowId: webhookDeliveryWorkflowId(pending.id, 0), taskQueue, args: [deliveryInput(String(pending.id), 0, POLICY)],
    });
    // …is followed by a pass that starts the others and finds this one started.
    assert.equal(await startPendingDeliveries(db, platform.env.client, taskQueue, POLICY), recorded.deliveries - 1);
    assert.equal((await db('webhook_deliveries').where({ id: pending.id }).first()).workflow_id, webhookDeliveryWorkflowId(pending.id, 0));
    assert.equal(await startPendingDeliveries(db, platform.env.client, taskQueue, POLICY), 0);
    await waitFor('the new case at the ministry', () => firstReceiver.accepted().some((r) => r.json.caseId === caseId));
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(firstReceiver.received.filter((r) => r.deliveryId === String(pending.id)).length, 1, 'sent once');

    fanout = startWebhookFanout({ db, temporal: platform.env.client, taskQueue, policy: POLICY, intervalMs: 200 });
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(await count(), total, 'a restarted fan-out adds nothing');
  });

  it('rotates the secret, pings, and deletes a subscription with its log', async () => {
    const r = firstReceiver;
    const rotated = await call(api, 'POST', `/webhooks/subscriptions/${firstSub.id}/secret`, { token: token.minzdrav });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, firstSub.secret);
    // For a day the old secret signs next to the new one: a receiver that has not switched yet still accepts.
    const stillOld = await call(api, 'POST', `/webhooks/subscriptions/${firstSub.id}/ping`, { token: token.minzdrav });
    assert.deepEqual([stillOld.body.delivered, stillOld.body.statusCode], [true, 200], 'the old secret verifies during the grace period');
    assert.equal((r.received[r.received.length - 1].signature ?? '').split(',').length, 2, 'two v1 signatures');
    // After the grace period only the new secret signs.
    await db('webhook_subscriptions').where({ id: firstSub.id }).update({ previous_secret_expires_at: new Date(Date.now() - 1000) });
    const stale = await call(api, 'POST', `/webhooks/subscriptions/${firstSub.id}/ping`, { token: token.minzdrav });
    assert.deepEqual([stale.body.delivered, stale.body.statusCode], [false, 401], 'the receiver still holds the old secret');
    r.useSecret(rotated.body.secret);
    const ping = await call(api, 'POST', `/webhooks/subscriptions/${firstSub.id}/ping`, { token: token.minzdrav });
    assert.equal(ping.status, 200);
    assert.deepEqual([ping.body.delivered, ping.body.statusCode, ping.body.error], [true, 200, null]);
    assert.equal(r.received[r.received.length - 1].json.type, 'webhook.ping');

    const deleted = await call(api, 'DELETE', `/webhooks/subscriptions/${firstSub.id}`, { token: token.minzdrav });
    assert.equal(deleted.status, 204);
    assert.equal((await call(api, 'GET', `/webhooks/subscriptions/${firstSub.id}`, { token: token.minzdrav })).status, 404);
    assert.equal(Number((await db('webhook_deliveries').where({ subscription_id: firstSub.id }).count<{ count: string }[]>('* as count'))[0].count), 0);
  });
});
