// The ops command line against the two failures that need Temporal's history to be seen: a workflow
// task that keeps failing (a bug in workflow code: a test worker whose bundle carries an interceptor
// that throws in one update's handler) and an update accepted long ago but not completed (its handler
// waits on an activity that keeps failing). `ops stuck` finds both; `ops retry` resets the failing
// workflow to its last completed task, after which the case runs on.
import assert from 'node:assert/strict';
import { Client, Connection, WorkflowUpdateStage } from '@temporalio/client';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { runOps, type OpsDeps } from '../../ops/cli';
import { createWorker } from '../../ops/worker';
import { takeIntoWorkUpdate } from '../../workflows/appeal/messages';
import type { Actor } from '../../workflows/shared/actor';
import { call, startTestApi, type TestApi } from '../api/helpers';
import { POISONED_ACTOR } from '../support/poisoned-update-interceptor';
import { freshDatabase } from '../support/postgres';
import { devServerEnv } from '../support/temporal';

describe('ops command line: workflow-task failures and pending updates', function () {
  this.timeout(240_000);
  const taskQueue = `ops-wft-${process.pid}`;
  let env: TestWorkflowEnvironment;
  let db: Db;
  let api: TestApi;
  let worker: Worker;
  let running: Promise<void>;
  let deps: OpsDeps;
  let citizen: string;
  let operator: Actor;
  let n = 0;

  before(async () => {
    env = await devServerEnv();
    ({ db } = await freshDatabase('ops_wft'));
    await loadSeeds(db);
    await db('regions').where({ id: 'altai' }).update({ number_prefix: '74' });
    citizen = (await createUserWithToken(db, { role: 'citizen', name: 'Ольга Петрова' })).token;
    const op = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' })).user;
    operator = { userId: op.id, role: 'operator', name: op.name, organisationId: 'altai.minzdrav', regionId: null };
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      workflowInterceptorModules: [require.resolve('../support/poisoned-update-interceptor')],
      logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) },
    });
    worker = await createWorker({ connection: env.nativeConnection, db, taskQueue, namespace: env.namespace ?? 'default', workflowBundle });
    running = worker.run();
    api = await startTestApi(db, { temporal: env.client, taskQueue, waitMs: 60_000 });
    deps = { db, client: env.client, taskQueue, namespace: env.namespace ?? 'default' };
  });

  after(async () => {
    await api?.close();
    worker?.shutdown();
    await running;
  });

  async function submit(): Promise<string> {
    const r = await call(api, 'POST', '/appeals', {
      token: citizen, headers: { 'idempotency-key': `ops-wft-${++n}-0001` },
      body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', text: `Обращение ${n}`, applicant: { name: 'Ольга Петрова' } },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  }

  async function stuckUntil(found: (items: any[]) => boolean, what: string): Promise<any[]> {
    const end = Date.now() + 60_000;
    for (;;) {
      const out = await runOps(['stuck', '--days', '0', '--pending-minutes', '0', '--json'], deps);
      assert.equal(out.code, 0, out.text);
      const items = (out.json as { items: any[] }).items;
      if (found(items)) return items;
      assert.ok(Date.now() < end, `${what}: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  it('finds a workflow task that keeps failing, and `retry` resets the case to its last completed task', async () => {
    const caseId = await submit();
    // The poisoned update goes through its own connection: it is never accepted, and closing the
    // connection ends the wait.
    const connection = await Connection.connect({ address: env.address });
    try {
      const client = new Client({ connection, namespace: env.namespace ?? 'default' });
      const poisoned = client.workflow.getHandle(caseId)
        .startUpdate(takeIntoWorkUpdate, { args: [{ actor: { ...operator, name: POISONED_ACTOR } }], waitForStage: WorkflowUpdateStage.ACCEPTED })
        .catch((e: unknown) => e);
      const items = await stuckUntil((i) => i.some((x) => x.caseId === caseId && x.kind === 'workflow_task_failure'), 'no workflow-task failure found');
      assert.match(items.find((x) => x.caseId === caseId && x.kind === 'workflow_task_failure').detail, /a bug in the workflow code/);

      const retried = await runOps(['retry', caseId, '--reason', 'исправлено после сбоя', '--json'], deps);
      assert.equal(retried.code, 0, retried.text);
      const reset = (retried.json as { reset: { fromRunId: string; newRunId: string } | null }).reset;
      assert.ok(reset && reset.newRunId && reset.newRunId !== reset.fromRunId, retried.text);
      await connection.close();
      await poisoned;

      // The new run works: the case is taken into work by an ordinary operator, and nothing is stuck.
      const taken = await env.client.workflow.getHandle(caseId).executeUpdate(takeIntoWorkUpdate, { args: [{ actor: operator }] });
      assert.equal(taken.status, 'in_work');
      const after = await runOps(['stuck', '--days', '0', '--pending-minutes', '0', '--json'], deps);
      assert.deepEqual((after.json as { items: any[] }).items.filter((x) => x.caseId === caseId), []);
      const audit = await db('audit_log').where({ case_id: caseId, channel: 'cli' }).first();
      assert.ok(audit, 'the reset is audited');
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('finds an update accepted but not completed (its handler waits on a failing activity)', async () => {
    const caseId = await submit();
    await db.raw(`
      create function ops_wft_break() returns trigger language plpgsql as $$
      begin
        if new.case_id = '${caseId}' and new.type = 'taken_into_work' then raise exception 'ops test: projection refused'; end if;
        return new;
      end $$;
      create trigger ops_wft_break before insert on case_events for each row execute function ops_wft_break();`);
    try {
      const handle = env.client.workflow.getHandle(caseId);
      const update = await handle.startUpdate(takeIntoWorkUpdate, { args: [{ actor: operator }], waitForStage: WorkflowUpdateStage.ACCEPTED });
      const items = await stuckUntil((i) => i.some((x) => x.caseId === caseId && x.kind === 'update_pending'), 'no pending update found');
      assert.match(items.find((x) => x.caseId === caseId && x.kind === 'update_pending').detail, /update takeIntoWork .* not completed/);
      await db.raw('drop trigger ops_wft_break on case_events; drop function ops_wft_break()');
      const state = await update.result();
      assert.equal(state.status, 'in_work');
    } finally {
      await db.raw('drop trigger if exists ops_wft_break on case_events; drop function if exists ops_wft_break()');
    }
  });
});
