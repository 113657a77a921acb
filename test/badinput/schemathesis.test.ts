// Schemathesis against the running platform (API, case engine, PostgreSQL), with the spec the API
// serves: every operation, generated valid and invalid input, as an administrator (and as a citizen
// for the citizen's operations). It must find no 5xx, and every status code, content type, header and
// body must be what the spec says (ops/schemathesis.ts lists the checks). Bounded: 5 examples per
// operation and phase (OTKLIK_SCHEMATHESIS_MAX_EXAMPLES for more), a fixed seed (OTKLIK_SCHEMATHESIS_SEED:
// a number, or `random`), and the run is stopped after 150 s. Schemathesis is installed from PyPI on
// first use into .tools/schemathesis (ops/install-schemathesis.sh).
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { runSchemathesis, type SchemathesisResult } from '../../ops/schemathesis';
import { call, roleTokens, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startApi, startEngine, type Engine } from '../security/support';

describe('bad input: schemathesis against the running API', function () {
  this.timeout(300_000);
  let db: Db;
  let api: TestApi;
  let engine: Engine;
  let t: RoleTokens;
  const caseIds: string[] = [];
  let result: SchemathesisResult;

  before(async () => {
    ({ db } = await freshDatabase('bad_input_schemathesis'));
    await createTestRegion(db);
    // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
    await db('regions').where({ id: TEST_REGION }).update({ number_prefix: '93' });
    t = await roleTokens(db);
    engine = await startEngine(db, 'schemathesis');
    // Limits far above what the run sends: the limiter runs, and submissions get through.
    api = await startApi(db, { temporal: engine.client, taskQueue: engine.taskQueue, waitMs: 20_000, rateLimit: { perUser: 1_000_000, perIp: 1_000_000 } });
    for (const subcategoryId of [CAT.potholes, CAT.ambulance]) {
      const r = await call(api, 'POST', '/appeals', {
        token: t.citizen, headers: { 'idempotency-key': `schemathesis-seed-${subcategoryId}` },
        body: { kind: 'appeal', regionId: TEST_REGION, subcategoryId, territoryId: TERRITORY.village, text: 'Seed case', applicant: { name: 'Ivan Petrov' } },
      });
      assert.equal(r.status, 201, r.text);
      caseIds.push(r.body.id);
    }
  });

  after(async () => {
    await api?.close();
    await engine?.stop();
  });

  it('finds no server error and no response that differs from the spec', async () => {
    const seedEnv = process.env.OTKLIK_SCHEMATHESIS_SEED;
    result = await runSchemathesis({
      url: api.url,
      adminToken: t.admin,
      citizenToken: t.citizen,
      known: {
        caseIds, regionIds: [TEST_REGION], subcategoryIds: [CAT.potholes, CAT.ambulance], territoryIds: [TERRITORY.village, TERRITORY.district],
        organisationIds: [ORG.ministry, ORG.district, ORG.transport],
      },
      maxExamples: Number(process.env.OTKLIK_SCHEMATHESIS_MAX_EXAMPLES ?? 5),
      seed: seedEnv === 'random' ? 'random' : seedEnv ? Number(seedEnv) : 1,
      timeoutMs: 150_000,
    });
    const tail = result.output.slice(-12_000);
    assert.ok(!result.timedOut, `schemathesis did not finish in 150 s (seed ${result.seed}):\n${tail}`);
    assert.equal(result.code, 0, `schemathesis found problems (seed ${result.seed}, reports in ${result.workDir}):\n${tail}`);
    assert.match(result.output, /Test cases:\s+\d+ generated, \d+ passed/);
  });

  it('left no unexpected error in the API log, and needed no database data-exception fallback', () => {
    const bad = api.logs.filter((l) => l.level === 'error' || /data exception/.test(l.message));
    assert.deepEqual(bad.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields).slice(0, 4000)}`), []);
  });
});
