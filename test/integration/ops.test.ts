// The ops command line, run in-process exactly as `npm run ops -- …` parses it: a case's timeline from
// its workflow history, stuck cases (overdue and idle, an activity that keeps failing — broken here by a
// test-local trigger on case_events), overrides as an administrator (audited, channel cli), and retry
// of failed notifications.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { runOps, type OpsDeps } from '../../ops/cli';
import { call, type TestApi } from '../api/helpers';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';

describe('ops command line', function () {
  this.timeout(240_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  let deps: OpsDeps;
  const taskQueue = `ops-${process.pid}`;
  const token: Record<string, string> = {};
  const userId: Record<string, number> = {};
  let n = 0;

  before(async () => {
    platform = await startSeededPlatform('ops', taskQueue, async (d) => {
      db = d;
      // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
      await d('regions').where({ id: 'altai' }).update({ number_prefix: '73' });
      for (const [k, u] of Object.entries({
        citizen: { role: 'citizen', name: 'Ольга Петрова', email: 'olga@example.org' },
        operator: { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' },
        supervisor: { role: 'supervisor', name: 'ЦУР Алтайского края', regionId: 'altai' },
        admin: { role: 'administrator', name: 'Дежурный администратор' },
      })) {
        const made = await createUserWithToken(d, u as never);
        token[k] = made.token;
        userId[k] = made.user.id;
      }
    });
    ({ api } = platform);
    deps = { db, client: platform.env.client, taskQueue, namespace: platform.env.namespace ?? 'default' };
  });

  after(async () => {
    await platform?.stop();
  });

  async function submit(): Promise<string> {
    const r = await call(api, 'POST', '/appeals', {
      token: token.citizen, headers: { 'idempotency-key': `ops-appeal-${++n}-0001` },
      body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', text: `Обращение ${n}`, applicant: { name: 'Ольга Петрова', email: 'olga@example.org' } },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }

  // The workflow's own overdue step is in the timeline: the case reads as overdue from its term's instant, before that.
  const overdueStepIn = (b: { timeline?: { type: string }[] }) => (b.timeline ?? []).some((e) => e.type === 'overdue');

  async function termSoon(caseId: string): Promise<void> {
    const r = await call(api, 'POST', `/cases/${caseId}/overrides/term`, {
      token: token.supervisor, body: { answerDueAt: new Date(Date.now() + 1500).toISOString(), reason: 'Проверка сроков' },
    });
    assert.equal(r.status, 200, r.text);
  }

  let answeredCase: string;
  let idleCase: string;

  it('timeline: registration, who took and answered, and which timer fired', async () => {
    answeredCase = await submit();
    assert.equal((await call(api, 'POST', `/cases/${answeredCase}/take`, { token: token.operator })).status, 200);
    await termSoon(answeredCase);
    await pollUntil(api, `/cases/${answeredCase}`, token.supervisor, overdueStepIn); // answered after it: late
    assert.equal((await call(api, 'POST', `/cases/${answeredCase}/answer`, { token: token.operator, body: { text: 'Ответ по существу' } })).status, 200);

    const out = await runOps(['timeline', answeredCase], deps);
    assert.equal(out.code, 0, out.text);
    const text = out.text;
    assert.match(text, /Workflow started: the case was received and registered at intake \(status registered, at altai\.minzdrav\)/);
    assert.match(text, new RegExp(`operator #${userId.operator} Оператор Минздрава \\(altai\\.minzdrav\\)\\s+Update takeIntoWork accepted`));
    assert.match(text, new RegExp(`supervisor #${userId.supervisor} .*Update changeTerm accepted.*reason=Проверка сроков`));
    assert.match(text, /system\s+Timer fired: answer term passed: the case is overdue/);
    assert.match(text, /Update answer accepted/);
    // Order: take, term change, timer, answer.
    const at = (re: RegExp) => text.search(re);
    assert.ok(at(/takeIntoWork accepted/) < at(/changeTerm accepted/) && at(/changeTerm accepted/) < at(/Timer fired/) && at(/Timer fired/) < at(/answer accepted/));
    const json = (await runOps(['timeline', answeredCase, '--json'], deps)).json as { lines: { kind: string; who: string }[] };
    assert.ok(json.lines.some((l) => l.kind === 'timer_fired' && l.who === 'system'));
    assert.equal((await runOps(['timeline', 'NO-SUCH-CASE'], deps)).code, 1);
  });

  it('stuck: an overdue case without action, and a workflow whose activity keeps failing', async () => {
    idleCase = await submit();
    await termSoon(idleCase);
    await pollUntil(api, `/cases/${idleCase}`, token.supervisor, overdueStepIn);

    // Break the projection of one case's overdue transition, in this test's database only.
    const brokenCase = await submit();
    await db.raw(`
      create function ops_test_break() returns trigger language plpgsql as $$
      begin
        if new.case_id = '${brokenCase}' and new.type = 'overdue' then raise exception 'ops test: case_events refused'; end if;
        return new;
      end $$;
      create trigger ops_test_break before insert on case_events for each row execute function ops_test_break();`);
    await termSoon(brokenCase);

    let report: any;
    const end = Date.now() + 60_000;
    for (;;) {
      const out = await runOps(['stuck', '--days', '0', '--json'], deps);
      assert.equal(out.code, 0, out.text);
      report = out.json;
      if (report.items.some((i: any) => i.caseId === brokenCase && i.kind === 'failing_activity')) break;
      assert.ok(Date.now() < end, `no failing activity found: ${JSON.stringify(report)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const failing = report.items.find((i: any) => i.caseId === brokenCase && i.kind === 'failing_activity');
    assert.match(failing.detail, /projectAppealTransition at attempt \d+: .*ops test: case_events refused/);
    const idle = report.items.filter((i: any) => i.kind === 'overdue_without_action').map((i: any) => i.caseId);
    assert.ok(idle.includes(idleCase) && idle.includes(answeredCase), JSON.stringify(report.items));
    assert.ok(!idle.includes(brokenCase), 'its overdue flag never reached the read model');
    assert.equal((await runOps(['stuck', '--days', '30'], deps)).text.includes(idleCase), false, 'idle for less than 30 days');
    const text = (await runOps(['stuck', '--days', '0'], deps)).text;
    assert.match(text, new RegExp(`${brokenCase}\\s+failing_activity`));

    // The worker's interceptor counted the failed attempts for /metrics.
    const counted = await db('activity_failures').where({ activity_type: 'projectAppealTransition' }).first();
    assert.ok(Number(counted?.failures) >= 1, 'failed attempts are counted');
    const timeline = await runOps(['timeline', brokenCase], deps);
    assert.match(timeline.text, /Now: activity projectAppealTransition at attempt \d+, last failure: .*case_events refused/);
    // Its quick local attempts failed first (a marker in the history), then the task queue took the step.
    assert.match(timeline.text, /Local activity projectAppealTransition failed after 3 attempts: .*case_events refused/);

    // Repaired: the retried activity goes through and the case is overdue in the read model.
    await db.raw('drop trigger ops_test_break on case_events; drop function ops_test_break()');
    await pollUntil(api, `/cases/${brokenCase}`, token.supervisor, overdueStepIn, 90_000);
    const after = await runOps(['timeline', brokenCase], deps);
    assert.match(after.text, /Activity projectAppealTransition completed after \d+ attempts \(last failure: .*case_events refused/);
  });

  it('override: runs the supervisor update as an administrator and audits it with channel cli', async () => {
    const refused = await runOps(['override', idleCase, 'reassign', '--organisation', 'altai.government', '--reason', 'По компетенции', '--as', String(userId.supervisor)], deps);
    assert.equal(refused.code, 1);
    assert.match(refused.text, /Not applied: .*administrator/);
    assert.equal((await db('cases').where({ id: idleCase }).first()).organisation_id, 'altai.minzdrav');
    assert.equal((await runOps(['override', idleCase, 'reassign', '--organisation', 'altai.government', '--as', String(userId.admin)], deps)).code, 1, 'no reason');
    const past = await runOps(['override', idleCase, 'term', '--due', '2020-01-01T00:00:00Z', '--reason', 'x', '--as', String(userId.admin)], deps);
    assert.equal(past.code, 1);
    assert.match(past.text, /in the future/);

    const out = await runOps(['override', idleCase, 'reassign', '--organisation', 'altai.government', '--reason', 'По компетенции', '--as', String(userId.admin)], deps);
    assert.equal(out.code, 0, out.text);
    assert.match(out.text, /reassignCase applied/);
    const row = await db('cases').where({ id: idleCase }).first();
    assert.equal(row.organisation_id, 'altai.government');
    const audit = await call(api, 'GET', `/audit?caseId=${idleCase}&action=reassignCase`, { token: token.supervisor });
    assert.equal(audit.status, 200, audit.text);
    const [entry] = audit.body.items;
    assert.equal(entry.channel, 'cli');
    assert.deepEqual(entry.actor, { userId: userId.admin, role: 'administrator', name: 'Дежурный администратор' });
    assert.equal(entry.before.organisationId, 'altai.minzdrav');
    assert.equal(entry.after.organisationId, 'altai.government');
    assert.equal(entry.details.reason, 'По компетенции');

    const closed = await runOps(['override', idleCase, 'close', '--reason', 'Закрыто дежурным', '--as', String(userId.admin), '--json'], deps);
    assert.equal(closed.code, 0, closed.text);
    assert.equal((closed.json as any).after.status, 'closed');
    const reopened = await runOps(['override', idleCase, 'reopen', '--reason', 'Открыто снова', '--as', String(userId.admin)], deps);
    assert.equal(reopened.code, 0, reopened.text);
    assert.equal((await db('cases').where({ id: idleCase }).first()).status, 'registered');
  });

  it('retry: failed notifications of the case go back to pending; nothing to reset on a healthy workflow', async () => {
    const [first] = await db('notifications').where({ case_id: answeredCase }).orderBy('id').limit(1).select('id');
    assert.ok(first, 'the case queued notifications');
    await db('notifications').where({ id: first.id }).update({ status: 'failed', attempts: 10, last_error: 'smtp down' });
    const out = await runOps(['retry', answeredCase, '--as', String(userId.admin)], deps);
    assert.equal(out.code, 0, out.text);
    assert.match(out.text, /1 failed notification\(s\) back to pending/);
    assert.match(out.text, /no workflow-task failure: nothing to reset/);
    const row = await db('notifications').where({ id: first.id }).first();
    assert.deepEqual([row.status, row.attempts], ['pending', 0]);
    assert.equal((await runOps(['retry', answeredCase], deps)).text.includes('0 failed notification(s)'), true, 'a second retry finds nothing');
    assert.equal((await db('audit_log').where({ case_id: answeredCase, action: 'ops.retry' }).count<{ count: string }[]>('* as count'))[0].count, '1');
  });

  it('refuses bad usage with the usage text', async () => {
    for (const argv of [[], ['nonsense'], ['override', 'X'], ['override', 'X', 'explode', '--as', '1'], ['stuck', '--days', 'many'], ['override', 'X', 'close', '--reason']]) {
      const out = await runOps(argv, deps);
      assert.equal(out.code, 2, `${argv.join(' ')}: ${out.text}`);
      assert.match(out.text, /Usage: npm run ops/);
    }
  });
});
