// GET /metrics: the Prometheus exposition of the platform. The case gauges are read from PostgreSQL at
// scrape time and must match the read model after a few cases; the latency histogram is labelled with
// the spec path; only administrators may scrape.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import { countActivityFailure } from '../../domain/metrics';
import type { Db } from '../../db/connection';
import { call, startTestApi, type TestApi } from '../api/helpers';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** A small parser of the text exposition format (version 0.0.4): one sample per non-comment line. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('metrics (GET /metrics)', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  const token: Record<string, string> = {};

  before(async () => {
    platform = await startSeededPlatform('metrics', `metrics-${process.pid}`, async (d) => {
      db = d;
      // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
      await d('regions').where({ id: 'altai' }).update({ number_prefix: '72' });
      token.citizen = (await createUserWithToken(d, { role: 'citizen', name: 'Пётр Иванов', email: 'petr@example.org' })).token;
      token.operator = (await createUserWithToken(d, { role: 'operator', name: 'Оператор', organisationId: 'altai.minzdrav' })).token;
      token.supervisor = (await createUserWithToken(d, { role: 'supervisor', name: 'ЦУР', regionId: 'altai' })).token;
      token.admin = (await createUserWithToken(d, { role: 'administrator', name: 'Мониторинг' })).token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  async function scrape(): Promise<{ samples: Sample[]; types: Map<string, string>; text: string }> {
    const r = await call(api, 'GET', '/metrics', { token: token.admin });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return { ...parseExposition(r.text), text: r.text };
  }

  it('counts cases by status and organisation, overdue cases and terms as the read model has them', async () => {
    const ids: string[] = [];
    for (const [i, sub] of ['altai.c.medicine.ambulance', 'altai.c.medicine.ambulance', 'altai.c.medicine.ambulance'].entries()) {
      const r = await call(api, 'POST', '/appeals', {
        token: token.citizen, headers: { 'idempotency-key': `metrics-appeal-${i}-0001` },
        body: { kind: 'appeal', regionId: 'altai', subcategoryId: sub, text: `Обращение ${i}`, applicant: { name: 'Пётр Иванов', email: 'petr@example.org' } },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    assert.equal((await call(api, 'POST', `/cases/${ids[0]}/take`, { token: token.operator })).status, 200);
    assert.equal((await call(api, 'POST', `/cases/${ids[1]}/answer`, { token: token.operator, body: { text: 'Ответ' } })).status, 200);
    // A term that passes in a moment makes the third case overdue.
    const soon = new Date(Date.now() + 1500).toISOString();
    const changed = await call(api, 'POST', `/cases/${ids[2]}/overrides/term`, { token: token.supervisor, body: { answerDueAt: soon, reason: 'Проверка' } });
    assert.equal(changed.status, 200, changed.text);
    await pollUntil(api, `/cases/${ids[2]}`, token.supervisor, (b) => b.overdue === true);

    const { samples, types } = await scrape();
    const rows = await db('cases').select('status', 'organisation_id').count<{ status: string; organisation_id: string; count: string }[]>('* as count').groupBy('status', 'organisation_id');
    assert.ok(rows.length >= 3);
    for (const row of rows) {
      assert.equal(value(samples, 'otklik_cases', { status: row.status, organisation: row.organisation_id }), Number(row.count), `${row.status} at ${row.organisation_id}`);
    }
    assert.equal(samples.filter((s) => s.name === 'otklik_cases').reduce((n, s) => n + s.value, 0), ids.length);
    assert.equal(value(samples, 'otklik_cases_overdue', { organisation: 'altai.minzdrav' }), 1);
    assert.equal(value(samples, 'otklik_open_cases_by_term_days', { term_days: '10' }), 3, 'three open ambulance cases (answered is still open) with 10 days');
    assert.equal(value(samples, 'otklik_answered_cases_term_used', { le: '+Inf' }), 1);
    assert.equal(value(samples, 'otklik_answered_cases_term_used', { le: '0.25' }), 1, 'answered within minutes of a 10-day term');
    assert.equal(value(samples, 'otklik_read_model_up', {}), 1);
    assert.equal(types.get('otklik_http_request_duration_seconds'), 'histogram');
    assert.equal(types.get('otklik_activity_failures_total'), 'counter');
  });

  it('measures API latency by method, spec route and status', async () => {
    const { samples } = await scrape();
    const appeals = value(samples, 'otklik_http_request_duration_seconds_count', { method: 'POST', route: '/appeals', status: '201' });
    assert.equal(appeals, 3);
    assert.ok((value(samples, 'otklik_http_request_duration_seconds_count', { method: 'POST', route: '/cases/{caseId}/take', status: '200' }) ?? 0) >= 1);
    const inf = value(samples, 'otklik_http_request_duration_seconds_bucket', { method: 'POST', route: '/appeals', status: '201', le: '+Inf' });
    assert.equal(inf, 3);
    assert.ok(!samples.some((s) => /\d{4}-\d{6}/.test(s.labels.route ?? '')), 'no case ids in route labels');
  });

  it('reports failed activity attempts counted by the workers, and webhook deliveries when the table exists', async () => {
    await countActivityFailure(db, 'projectAppealTransition', new Error('boom'));
    await countActivityFailure(db, 'projectAppealTransition', new Error('boom again'));
    const { samples } = await scrape();
    const row = await db('activity_failures').where({ activity_type: 'projectAppealTransition' }).first();
    assert.equal(value(samples, 'otklik_activity_failures_total', { activity: 'projectAppealTransition' }), Number(row.failures));
    assert.ok(Number(row.failures) >= 2);
    const present = (await db.raw(`select to_regclass('webhook_deliveries') is not null as present`)).rows[0].present;
    if (present) {
      const counts = await db('webhook_deliveries').select('status').count<{ status: string; count: string }[]>('* as count').groupBy('status');
      for (const c of counts) assert.equal(value(samples, 'otklik_webhook_deliveries', { status: c.status }), Number(c.count));
    }
  });

  it('is for administrators only', async () => {
    assert.equal((await call(api, 'GET', '/metrics')).status, 401);
    for (const who of ['citizen', 'operator', 'supervisor']) assert.equal((await call(api, 'GET', '/metrics', { token: token[who] })).status, 403, who);
  });

  it('answers liveness always and readiness with each dependency', async () => {
    const live = await call(api, 'GET', '/health/live');
    assert.deepEqual([live.status, live.body], [200, { status: 'ok' }]);
    const ready = await call(api, 'GET', '/health/ready');
    assert.deepEqual([ready.status, ready.body], [200, { status: 'ready', components: { database: 'ok', temporal: 'ok' } }]);
    assert.equal((await call(api, 'GET', '/health')).status, 200, 'the old probe is still there');
    // An API whose Temporal cannot be reached is alive but not ready.
    const cut = await startTestApi(db);
    try {
      const r = await call(cut, 'GET', '/health/ready');
      assert.equal(r.status, 503);
      assert.match(r.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.deepEqual([r.body.status, r.body.components], [503, { database: 'ok', temporal: 'unavailable' }]);
      assert.match(r.body.detail, /temporal unavailable/);
      assert.equal((await call(cut, 'GET', '/health/live')).status, 200);
    } finally {
      await cut.close();
    }
  });
});
