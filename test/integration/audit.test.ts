// The audit log of actions: every successful change an appeal goes through, by a citizen, an operator,
// an integration client and a supervisor, is in GET /audit with the case before and after; supervisors
// see their own region only; citizens and operators may not read it; failed attempts are not actions;
// the log stays append-only.
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { call, type TestApi } from '../api/helpers';
import { startSeededPlatform, type SeededPlatform } from '../support/platform';

describe('audit log of actions (GET /audit)', function () {
  this.timeout(180_000);
  let platform: SeededPlatform;
  let api: TestApi;
  let db: Db;
  const token: Record<string, string> = {};
  const userId: Record<string, number> = {};
  let caseId: string;

  before(async () => {
    platform = await startSeededPlatform('audit', `audit-${process.pid}`, async (d) => {
      db = d;
      // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
      await d('regions').where({ id: 'altai' }).update({ number_prefix: '71' });
      const users = {
        citizen: { role: 'citizen', name: 'Анна Смирнова', email: 'anna@example.org' },
        operator: { role: 'operator', name: 'Оператор Минздрава', organisationId: 'altai.minzdrav' },
        integration: { role: 'integration', name: 'СЭД Минздрава', organisationId: 'altai.minzdrav', scopes: ['cases:read', 'cases:write'] },
        supervisor: { role: 'supervisor', name: 'ЦУР Алтайского края', regionId: 'altai' },
        otherSupervisor: { role: 'supervisor', name: 'ЦУР Хабаровского края', regionId: 'khabarovsk' },
        admin: { role: 'administrator', name: 'Администратор' },
      } as const;
      for (const [k, u] of Object.entries(users)) {
        const made = await createUserWithToken(d, u as never);
        token[k] = made.token;
        userId[k] = made.user.id;
      }
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  async function entries(query: string, as = token.supervisor): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const r = await call(api, 'GET', `/audit?${query}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: as });
      assert.equal(r.status, 200, r.text);
      items.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('records every action of an appeal\'s life with who, what, and the case before and after', async () => {
    const submitted = await call(api, 'POST', '/appeals', {
      token: token.citizen, headers: { 'idempotency-key': 'audit-appeal-0001' },
      body: { kind: 'appeal', regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', text: 'Скорая ехала два часа.', applicant: { name: 'Анна Смирнова', email: 'anna@example.org' } },
    });
    assert.equal(submitted.status, 201, submitted.text);
    caseId = submitted.body.id;
    const steps: [string, string, string, unknown][] = [
      ['integration', 'take', 'takeCase', undefined],
      ['operator', 'answer', 'answerCase', { text: 'Проведена проверка.' }],
      ['citizen', 'rating', 'rateAnswer', { rating: 5 }],
      ['supervisor', 'overrides/reopen', 'reopenCase', { reason: 'Жалоба повторная' }],
      ['supervisor', 'overrides/reassign', 'reassignCase', { organisationId: 'altai.government', reason: 'По компетенции' }],
      ['supervisor', 'overrides/term', 'changeTerm', { answerDueAt: new Date(Date.now() + 20 * 86_400_000).toISOString(), reason: 'Сложный вопрос' }],
      ['supervisor', 'overrides/close', 'closeCase', { reason: 'Решено на приёме' }],
    ];
    const answers: Record<string, any> = {};
    for (const [who, path, op, body] of steps) {
      const r = await call(api, 'POST', `/cases/${caseId}/${path}`, { token: token[who], body: body ?? {}, headers: { 'idempotency-key': `audit-${op}-0001` } });
      assert.equal(r.status, 200, `${op}: ${r.text}`);
      answers[op] = r.body;
    }

    // A refused attempt (the case is closed) is not an action.
    const countBefore = Number((await db('audit_log').count<{ count: string }[]>('* as count'))[0].count);
    const refused = await call(api, 'POST', `/cases/${caseId}/answer`, { token: token.operator, body: { text: 'Ещё ответ' } });
    assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
    assert.equal(Number((await db('audit_log').count<{ count: string }[]>('* as count'))[0].count), countBefore);

    const items = (await entries(`caseId=${caseId}`)).filter((e) => e.action !== 'case.read_personal_data');
    const byAction = new Map(items.map((e) => [e.action, e]));
    assert.deepEqual(items.map((e) => e.action).reverse(), ['submitAppeal', ...steps.map((s) => s[2])], 'every action once, newest first');

    const submit = byAction.get('submitAppeal');
    assert.equal(submit.before, null);
    assert.equal(submit.after.status, 'registered');
    assert.equal(submit.after.organisationId, 'altai.minzdrav');
    assert.deepEqual(submit.actor, { userId: userId.citizen, role: 'citizen', name: 'Анна Смирнова' });
    assert.equal(submit.regionId, 'altai');
    assert.ok(submit.requestId, 'the request id is kept');

    const take = byAction.get('takeCase');
    assert.deepEqual(take.actor, { userId: userId.integration, role: 'integration', name: 'СЭД Минздрава' });
    assert.equal(take.before.status, 'registered');
    assert.equal(take.after.status, 'in_work');
    assert.equal(take.details.summary.length > 0, true, 'a readable verb from the spec');

    assert.equal(byAction.get('answerCase').after.status, 'answered');
    assert.equal(byAction.get('rateAnswer').after.status, 'closed');
    assert.equal(byAction.get('rateAnswer').after.resolution, 'rated_positive');
    const reopen = byAction.get('reopenCase');
    assert.equal(reopen.before.status, 'closed');
    assert.equal(reopen.after.status, 'registered');
    const reassign = byAction.get('reassignCase');
    assert.equal(reassign.before.organisationId, 'altai.minzdrav');
    assert.equal(reassign.after.organisationId, 'altai.government');
    assert.equal(reassign.after.organisationId, answers.reassignCase.organisationId);
    const term = byAction.get('changeTerm');
    assert.notEqual(term.before.answerDueAt, term.after.answerDueAt);
    assert.equal(term.after.answerDueAt, answers.changeTerm.answerDueAt);
    const close = byAction.get('closeCase');
    assert.equal(close.before.status, 'registered');
    assert.deepEqual([close.after.status, close.after.resolution], ['closed', 'closed_by_supervisor']);
    for (const e of items) {
      assert.equal(e.channel, 'api');
      assert.equal(e.status, e.action === 'submitAppeal' ? 201 : 200);
      assert.ok(Date.parse(e.at) > 0);
    }

    // Filters: by action, by actor.
    assert.deepEqual((await entries('action=reassignCase')).map((e) => e.caseId), [caseId]);
    const mine = await entries(`actorUserId=${userId.operator}`);
    assert.ok(mine.some((e) => e.action === 'answerCase') && mine.every((e) => e.actor.userId === userId.operator));
    // The administrator sees it too; the personal-data reads of the supervisor are in the same log.
    assert.ok((await entries(`caseId=${caseId}`, token.admin)).some((e) => e.action === 'closeCase'));
    const shown = await call(api, 'GET', `/cases/${caseId}`, { token: token.supervisor });
    assert.equal(shown.status, 200);
    assert.ok((await entries(`caseId=${caseId}&action=case.read_personal_data`)).some((e) => e.actor.userId === userId.supervisor));
  });

  it('records actions on other resources with the request, secrets masked', async () => {
    const created = await call(api, 'POST', '/organisations', {
      token: token.admin,
      body: { id: 'altai.audit.body', regionId: 'altai', name: 'Проверочное учреждение', kind: 'institution' },
    });
    assert.equal(created.status, 201, created.text);
    const [entry] = await entries('action=createOrganisation');
    assert.equal(entry.resourceId, 'altai.audit.body');
    assert.equal(entry.before, null);
    assert.equal(entry.after.request.name, 'Проверочное учреждение');
    assert.equal(entry.regionId, 'altai');
  });

  it('shows supervisors their own region only, and refuses citizens and operators', async () => {
    assert.deepEqual(await entries(`caseId=${caseId}`, token.otherSupervisor), []);
    for (const who of ['citizen', 'operator', 'integration']) {
      const r = await call(api, 'GET', '/audit', { token: token[who] });
      assert.equal(r.status, 403, `${who}: ${r.text}`);
    }
    assert.equal((await call(api, 'GET', '/audit')).status, 401);
    assert.equal((await call(api, 'GET', '/audit?cursor=bm9wZQ', { token: token.admin })).status, 400);
  });

  it('stays append-only', async () => {
    await assert.rejects(db('audit_log').where({ case_id: caseId }).update({ action: 'forged' }), /append-only/);
    await assert.rejects(db('audit_log').where({ case_id: caseId }).delete(), /append-only/);
    assert.ok(Number((await db('audit_log').where({ case_id: caseId, action: 'closeCase' }).count<{ count: string }[]>('* as count'))[0].count) === 1);
  });
});
