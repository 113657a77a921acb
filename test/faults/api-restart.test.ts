// Fault: the API process is killed with SIGKILL while submissions and operator actions are in flight, and
// started again. Every submission that received 201 exists afterwards, in PostgreSQL and as a workflow;
// a client that repeats its request with the same Idempotency-Key gets the same case, whether its first
// attempt got an answer or lost its connection; no key makes two cases.
import assert from 'node:assert/strict';
import { restartApi } from '../support/processes';
import {
  appealBody, eventually, faultPlatform, http, readModelMismatches, sleep, untilAnswered, type Attempt, type FaultPlatform,
} from './platform';

const CASES = 30;
const TAKEN = 10;

describe('faults: the API process is restarted during load', function () {
  this.timeout(150_000);
  let p: FaultPlatform;

  before(async function () {
    this.timeout(120_000);
    p = await faultPlatform();
  });

  it('loses no submission that got 201; repeats with the same Idempotency-Key return the same case', async () => {
    const tag = `ar${Date.now()}`;
    const deadline = Date.now() + 100_000;
    const created = new Map<number, string>(); // submission → the case id of a 201, from any attempt
    const key = (i: number) => `${tag}-submit-${i}`;
    const body = (i: number) => appealBody(p.tokens.citizens[i % p.tokens.citizens.length], `Обращение ${i} во время перезапуска API`);
    const token = (i: number) => p.tokens.citizens[i % p.tokens.citizens.length].token;
    let inFlight = 0;
    let done = 0;

    const work = Array.from({ length: CASES }, async (_, i) => {
      await sleep(i * 100);
      inFlight++;
      try {
        const sub = await untilAnswered(p, 'POST', '/appeals', { token: token(i), body: body(i), headers: { 'idempotency-key': key(i) }, deadline, pauseMs: 200 });
        assert.ok([200, 201].includes(sub.result.status), sub.result.text);
        if (sub.result.status === 201) created.set(i, sub.result.body.id);
        done++;
        let take: Attempt[] = [];
        if (i < TAKEN) {
          const t = await untilAnswered(p, 'POST', `/cases/${sub.result.body.id}/take`, {
            token: p.tokens.operator, headers: { 'idempotency-key': `${tag}-take-${i}` }, deadline, pauseMs: 200,
          });
          assert.equal(t.result.status, 200, t.result.text);
          assert.equal(t.result.body.status, 'in_work');
          take = t.attempts;
        }
        return { i, caseId: sub.result.body.id as string, submit: sub.attempts, take };
      } finally {
        inFlight--;
      }
    });
    const all = Promise.all(work);
    all.catch(() => undefined);

    await eventually('a few submissions answered', async () => done >= 5, 30_000, undefined, all);
    const inFlightAtKill = inFlight;
    await restartApi(p.api);
    const results = await all;
    assert.ok(inFlightAtKill > 0, 'requests were in flight when the API was killed');
    const lost = (a: Attempt[]) => a.some((x) => x.kind === 'network');
    const brokenSubmissions = results.filter((r) => lost(r.submit)).length;
    const brokenTakes = results.filter((r) => lost(r.take)).length;
    assert.ok(brokenSubmissions + brokenTakes > 0, 'some requests lost their connection');

    // Every submission that got 201 exists: in PostgreSQL and as a running workflow.
    assert.ok(created.size > 0);
    for (const [i, caseId] of created) {
      const row = await p.db('cases').where({ id: caseId }).first('id', 'applicant_name');
      assert.ok(row, `case ${caseId} (submission ${i}) is in the read model`);
      assert.equal((await p.client.workflow.getHandle(caseId).describe()).status.name, 'RUNNING');
    }
    // One case per key; every key's repeat returns its case, replayed.
    const ids = results.map((r) => r.caseId);
    assert.equal(new Set(ids).size, CASES);
    for (const r of results) {
      const again = await http(p, 'POST', '/appeals', { token: token(r.i), body: body(r.i), headers: { 'idempotency-key': key(r.i) } });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.id, r.caseId);
      if (created.has(r.i)) assert.equal(created.get(r.i), r.caseId, 'a 201 and a later answer name the same case');
    }
    const intakes = await p.db('case_intake').where('idempotency_key', 'like', `${tag}-%`).select('case_id', 'started_at');
    assert.equal(intakes.length, CASES);
    assert.ok(intakes.every((x) => x.started_at !== null), 'every intake is marked started');
    assert.deepEqual(await readModelMismatches(p, ids), []);
    const status = new Map((await p.db('cases').whereIn('id', ids).select('id', 'status')).map((x) => [x.id, x.status]));
    for (const r of results) assert.equal(status.get(r.caseId), r.i < TAKEN ? 'in_work' : 'registered', r.caseId);

    console.log(`      ${inFlightAtKill} requests in flight at the kill; ${brokenSubmissions} submissions and ${brokenTakes} actions `
      + `lost their connection and were repeated; ${created.size} submissions got 201, ${CASES - created.size} got their case as a replay`);
  });
});
