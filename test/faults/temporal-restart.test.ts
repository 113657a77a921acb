// Fault: the Temporal dev server is stopped and started again on its SQLite file and port. Open cases and
// their term timers survive: timers that came due while the server was down fire when it is back, those
// due later fire on time, cases without a near term keep waiting, and the worker and the API carry on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  appealBody, eventually, faultPlatform, http, readModelMismatches, sleep, untilAnswered, workflowState, type FaultPlatform,
} from './platform';
import { testTopology } from '../support/temporal';

describe(`faults: the Temporal ${testTopology() === 'dev' ? 'dev server is restarted on its SQLite file' : 'server is restarted on its PostgreSQL'}`, function () {
  this.timeout(150_000);
  let p: FaultPlatform;

  before(async function () {
    this.timeout(120_000);
    p = await faultPlatform();
  });

  if (testTopology() === 'dev') {
    it('runs the dev server on its SQLite file in WAL mode (the embedded default)', () => {
      // SQLite keeps a -wal file beside the database while it is open in WAL mode.
      assert.ok(fs.existsSync(path.join(p.dir, 'temporal.db-wal')), 'temporal.db-wal exists');
    });
  }

  it('keeps open cases and their timers: due terms fire after the restart, later ones on time', async () => {
    const tag = `tr${Date.now()}`;
    const deadline = Date.now() + 120_000;
    const submit = async (i: number) => {
      const citizen = p.tokens.citizens[i % p.tokens.citizens.length];
      const r = await untilAnswered(p, 'POST', '/appeals', {
        token: citizen.token, body: appealBody(citizen, `Обращение ${i} перед перезапуском Temporal`),
        headers: { 'idempotency-key': `${tag}-submit-${i}` }, deadline,
      });
      assert.equal(r.result.status, 201, r.result.text);
      return r.result.body.id as string;
    };
    const ids = await Promise.all([0, 1, 2, 3, 4, 5].map(submit));
    const [dueInOutage1, dueInOutage2, dueAfter1, dueAfter2, waiting1, waiting2] = ids;

    // A supervisor moves four terms close: two to end while the server is down, two after it is back.
    const setTerm = async (caseId: string, inMs: number) => {
      const r = await http(p, 'POST', `/cases/${caseId}/overrides/term`, {
        token: p.tokens.supervisor, body: { answerDueAt: new Date(Date.now() + inMs).toISOString(), reason: 'Проверка таймеров' },
        headers: { 'idempotency-key': `${tag}-term-${caseId}` },
      });
      assert.equal(r.status, 200, r.text);
      return Date.parse(r.body.answerDueAt);
    };
    const outageDue = [await setTerm(dueInOutage1, 4000), await setTerm(dueInOutage2, 4000)];
    const laterDue = [await setTerm(dueAfter1, 20_000), await setTerm(dueAfter2, 20_000)];
    const before = new Map(await Promise.all(ids.map(async (id) => [id, await workflowState(p, id)] as const)));

    await p.stopTemporal();
    const stoppedAt = Date.now();
    // A submission and an operator action while it is down: each is answered either with a clean 503
    // problem (the client library gave up reaching Temporal) or, once the server is back, with its
    // result; never with anything else.
    const citizen = p.tokens.citizens[0];
    const duringBody = appealBody(citizen, 'Обращение во время остановки Temporal');
    const noResponse = (e: Error) => ({ status: 0, text: `no response: ${e.message}`, headers: new Headers(), body: undefined });
    const during = http(p, 'POST', '/appeals', {
      token: citizen.token, body: duringBody, headers: { 'idempotency-key': `${tag}-during` }, timeoutMs: 90_000,
    }).catch(noResponse);
    const takeDuring = http(p, 'POST', `/cases/${waiting1}/take`, {
      token: p.tokens.operator, headers: { 'idempotency-key': `${tag}-take` }, timeoutMs: 90_000,
    }).catch(noResponse);
    // Down until the first terms have passed.
    await sleep(Math.max(0, Math.max(...outageDue) + 1000 - Date.now()));
    await p.startTemporal();
    const downMs = Date.now() - stoppedAt;

    // The worker reconnects by itself; were it to die, it is started again as a supervisor would.
    await sleep(2000);
    const workerSurvived = p.worker.running;
    if (!workerSurvived) await p.startWorker();

    // Every case answers queries with the state it had.
    for (const id of ids) {
      const s = await workflowState(p, id);
      const b = before.get(id)!;
      assert.equal(s.organisationId, b.organisationId);
      assert.equal(s.answerDueAt, b.answerDueAt);
      assert.ok(s.seq >= b.seq);
    }
    // The terms that ended during the outage fire now.
    const overdue = async (id: string) => (await p.db('cases').where({ id }).first('overdue'))?.overdue === true;
    await eventually('cases due during the outage to become overdue', async () => (await overdue(dueInOutage1)) && (await overdue(dueInOutage2)), 45_000);
    const firedAfterRestartMs = Date.now() - stoppedAt - downMs;
    // The later ones fire at their term, not before (checked here while it is ahead, and by the time
    // the overdue events carry).
    if (Date.now() < Math.min(...laterDue) - 1000) assert.equal(await overdue(dueAfter1), false);
    await eventually('cases due after the restart to become overdue', async () => (await overdue(dueAfter1)) && (await overdue(dueAfter2)), 45_000);
    const overdueEvents = await p.db('case_events').whereIn('case_id', [dueAfter1, dueAfter2]).where({ type: 'overdue' }).select('occurred_at');
    for (const e of overdueEvents) assert.ok(new Date(e.occurred_at).getTime() >= Math.min(...laterDue), 'an overdue event is not early');
    // The others keep waiting on their ten-day terms.
    const s2 = await workflowState(p, waiting2);
    assert.equal(s2.status, 'registered');
    assert.equal(s2.overdue, false);
    assert.equal((await p.client.workflow.getHandle(waiting2).describe()).status.name, 'RUNNING');
    // The action sent during the outage is applied once (repeated with its Idempotency-Key if it got 503).
    const tookFirst = await takeDuring;
    if (tookFirst.status !== 200) {
      assert.equal(tookFirst.status, 503, tookFirst.text);
      assert.match(tookFirst.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    const taken = await untilAnswered(p, 'POST', `/cases/${waiting1}/take`, { token: p.tokens.operator, headers: { 'idempotency-key': `${tag}-take` }, deadline });
    assert.equal(taken.result.status, 200, taken.result.text);
    assert.equal(taken.result.body.status, 'in_work');
    const takes = await p.db('case_events').where({ case_id: waiting1, type: 'taken_into_work' }).count('* as n');
    assert.equal(Number(takes[0].n), 1);
    assert.deepEqual(await readModelMismatches(p, ids), []);
    const overdueCount = await p.db('case_events').whereIn('case_id', ids).where({ type: 'overdue' }).count('* as n');
    assert.equal(Number(overdueCount[0].n), 4, 'one overdue event per case whose term ended');

    // The submission sent during the outage makes exactly one case.
    const first = await during;
    if (first.status !== 201) {
      assert.equal(first.status, 503, first.text);
      assert.match(first.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    const again = await untilAnswered(p, 'POST', '/appeals', {
      token: citizen.token, body: duringBody, headers: { 'idempotency-key': `${tag}-during` }, deadline,
    });
    assert.ok([200, 201].includes(again.result.status), again.result.text);
    assert.equal(Number((await p.db('case_intake').where({ idempotency_key: `${tag}-during` }).count('* as n'))[0].n), 1);
    assert.deepEqual(await readModelMismatches(p, [again.result.body.id]), []);

    console.log(`      down ${(downMs / 1000).toFixed(1)} s; due terms fired ${(firedAfterRestartMs / 1000).toFixed(1)} s after the restart; `
      + `worker ${workerSurvived ? 'reconnected by itself' : 'had exited and was started again'}; `
      + `the submission and the action sent during the outage got ${first.status} and ${tookFirst.status}`);
  });
});
