// Fault: the worker process is killed with SIGKILL (twice) while cases are mid-step, registering and
// being answered over HTTP. After a restart every case finishes the step it was asked to take, nothing
// is projected twice, no notification is queued twice, and delivery repeats at most the message that
// was being sent at the moment of a kill (recognisable by its unchanged Message-ID).
import assert from 'node:assert/strict';
import { notificationMessageId } from '../../domain/outbound/outbox';
import { restartWorker } from '../support/processes';
import {
  appealBody, duplicateApplicantNotifications, eventually, faultPlatform, readModelMismatches, sleep, untilAnswered,
  type Attempt, type FaultPlatform,
} from './platform';

const CASES = 30;
const ANSWERED = 20;

describe('faults: the worker is killed with SIGKILL while cases are mid-step', function () {
  this.timeout(180_000);
  let p: FaultPlatform;

  before(async function () {
    this.timeout(120_000);
    p = await faultPlatform();
  });

  it('finishes every case after a restart; no transition, notification or delivery is duplicated', async () => {
    const tag = `wk${Date.now()}`;
    const deadline = Date.now() + 120_000;
    let inFlight = 0;
    let registered = 0;
    const attempts: Attempt[][] = [];

    // 30 submissions, 100 ms apart; the first 20 are answered by the operator as soon as they are registered.
    const work = Array.from({ length: CASES }, async (_, i) => {
      await sleep(i * 100);
      const citizen = p.tokens.citizens[i % p.tokens.citizens.length];
      inFlight++;
      try {
        const sub = await untilAnswered(p, 'POST', '/appeals', {
          token: citizen.token, body: appealBody(citizen, `Скорая не приехала, обращение ${i}`),
          headers: { 'idempotency-key': `${tag}-submit-${i}` }, deadline,
        });
        attempts.push(sub.attempts);
        assert.ok([200, 201].includes(sub.result.status), sub.result.text);
        registered++;
        const caseId: string = sub.result.body.id;
        if (i >= ANSWERED) return { caseId, answered: false };
        const ans = await untilAnswered(p, 'POST', `/cases/${caseId}/answer`, {
          token: p.tokens.operator, body: { text: `Ответ по обращению ${i}: бригада наказана.` },
          headers: { 'idempotency-key': `${tag}-answer-${i}` }, deadline,
        });
        attempts.push(ans.attempts);
        assert.equal(ans.result.status, 200, ans.result.text);
        assert.equal(ans.result.body.status, 'answered');
        return { caseId, answered: true };
      } finally {
        inFlight--;
      }
    });
    const all = Promise.all(work);
    all.catch(() => undefined); // awaited below; a failure must not go unhandled while the kills run

    const events = async () => Number((await p.db('case_events').count('* as n'))[0].n);
    const kills: { inFlight: number; eventsBefore: number }[] = [];

    // Kill 1: a few cases are registered, the rest are being submitted or answered.
    await eventually('five registrations', async () => registered >= 5, 60_000, undefined, all);
    kills.push({ inFlight, eventsBefore: await events() });
    await restartWorker(p.worker, p.client);

    // Kill 2: once the new worker is working through the backlog.
    const resumedAt = await events();
    await eventually('the restarted worker to project three transitions', async () => (await events()) >= resumedAt + 3, 60_000, undefined, all);
    kills.push({ inFlight, eventsBefore: await events() });
    await restartWorker(p.worker, p.client);

    const cases = await all;
    for (const k of kills) assert.ok(k.inFlight > 0, `requests were in flight at each kill: ${JSON.stringify(kills)}`);
    const ids = cases.map((c) => c.caseId);
    assert.equal(new Set(ids).size, CASES, 'one case per Idempotency-Key');

    // Every case took its step, once.
    const rows = await p.db('cases').whereIn('id', ids).select('id', 'status');
    const status = new Map(rows.map((r) => [r.id, r.status]));
    for (const c of cases) assert.equal(status.get(c.caseId), c.answered ? 'answered' : 'registered', c.caseId);
    assert.deepEqual(await readModelMismatches(p, ids), []);
    const answeredEvents = await p.db('case_events').whereIn('case_id', ids).where({ type: 'answered' })
      .groupBy('case_id').select('case_id', p.db.raw('count(*)::int as n'));
    assert.equal(answeredEvents.length, ANSWERED);
    assert.ok(answeredEvents.every((e) => e.n === 1), JSON.stringify(answeredEvents));

    // The outbox: one applicant notification per transition (registered, answered), none twice.
    assert.deepEqual(await duplicateApplicantNotifications(p, ids), []);
    const applicantRows = await p.db('notifications').whereIn('case_id', ids).where({ recipient_kind: 'applicant' });
    assert.equal(applicantRows.length, CASES + ANSWERED);

    // Delivery: every notification reaches the SMTP server; a repeat is the same message (same
    // Message-ID) and there is at most one per kill, the one being sent when the worker died.
    const outbox = await p.db('notifications').whereIn('case_id', ids).select('id', 'dedup_key', 'recipient_address');
    await eventually('the outbox to be delivered', async () => {
      const pending = await p.db('notifications').whereIn('case_id', ids).where({ status: 'pending' }).count('* as n');
      return Number(pending[0].n) === 0;
    }, 30_000);
    const notSent = await p.db('notifications').whereIn('case_id', ids).whereNot({ status: 'sent' }).select('dedup_key', 'status', 'last_error');
    assert.deepEqual(notSent, []);
    const from = 'Отклик <no-reply@otklik.local>';
    const delivered = new Map<string, number>();
    for (const d of p.smtp.deliveries) if (d.messageId) delivered.set(d.messageId, (delivered.get(d.messageId) ?? 0) + 1);
    const missing = outbox.filter((r) => !delivered.has(notificationMessageId(r, from)));
    assert.deepEqual(missing.map((r) => r.dedup_key), [], 'every outbox row reached the SMTP server');
    const repeats = outbox.map((r) => (delivered.get(notificationMessageId(r, from)) ?? 0) - 1).filter((n) => n > 0);
    const repeatCount = repeats.reduce((a, b) => a + b, 0);
    assert.ok(repeatCount <= kills.length, `${repeatCount} repeated deliveries for ${kills.length} kills`);
    // Each applicant mail went to the applicant's address.
    for (const r of applicantRows) {
      const d = p.smtp.deliveries.find((x) => x.messageId === notificationMessageId(r, from));
      assert.deepEqual(d?.to, [r.recipient_address]);
    }

    const retried = attempts.filter((a) => a.length > 1).length;
    console.log(`      ${kills.length} kills with ${kills.map((k) => k.inFlight).join(' and ')} requests in flight; `
      + `${retried} of ${attempts.length} requests were repeated by the client; ${repeatCount} repeated deliveries`);
  });
});
