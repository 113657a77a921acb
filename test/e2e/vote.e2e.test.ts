// End to end on the seeded Altai krai: an initiative-budget vote of the regional government for the
// residents of Pavlovsky district, with a citizen's project, the Method of Equal Shares, and the
// pabulib export, through HTTP (Temporal dev server, worker, embedded PostgreSQL).
import assert from 'node:assert/strict';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';
import { parsePabulib } from '../../workflows/rules/pabulib';
import { pollUntil, startSeededPlatform, type SeededPlatform } from '../support/platform';
import { call, type TestApi } from '../api/helpers';

describe('end to end: a budget vote in Altai krai through HTTP', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let platform: SeededPlatform;
  const taskQueue = `e2e-vote-${process.pid}`;
  const token: Record<string, string> = {};
  const voters: string[] = [];

  before(async () => {
    platform = await startSeededPlatform('e2e_vote', taskQueue, async (d) => {
      db = d;
      token.government = (await createUserWithToken(db, { role: 'operator', name: 'Оператор Правительства', organisationId: 'altai.government' })).token;
      for (let i = 0; i < 10; i++) {
        const c = await createUserWithToken(db, { role: 'citizen', name: `Житель ${i}` });
        await db('users').where({ id: c.user.id }).update({ territory_id: 'altai.t.pavlovsky', birth_date: '1980-01-01' });
        voters.push(c.token);
      }
      const young = await createUserWithToken(db, { role: 'citizen', name: 'Школьник' });
      await db('users').where({ id: young.user.id }).update({ territory_id: 'altai.t.pavlovsky', birth_date: `${new Date().getUTCFullYear() - 12}-06-01` });
      token.young = young.token;
    });
    ({ api } = platform);
  });

  after(async () => {
    await platform?.stop();
  });

  const waitFor = (id: string, status: string, ms = 60_000) => pollUntil(api, `/events/${id}`, token.government, (e) => e?.status === status, ms);

  it('collects a citizen\'s project, moderates it, votes, picks winners by equal shares and exports pabulib', async () => {
    const now = Date.now();
    const created = await call(api, 'POST', '/events', {
      token: token.government, headers: { 'idempotency-key': 'e2e-vote-0001' },
      body: {
        type: 'vote', organisationId: 'altai.government', title: 'Инициативный бюджет Павловского района',
        schedule: { opensAt: new Date(now + 8000).toISOString(), closesAt: new Date(now + 20000).toISOString() },
        audience: { territoryIds: ['altai.t.pavlovsky'], minAge: 16 }, anonymous: false,
        settings: {
          kind: 'budget', maxApprovals: 2, budget: 100, rule: 'equal_shares', acceptsProjects: true,
          projects: [{ id: 'A', name: 'Сквер', cost: 50 }, { id: 'B', name: 'Фонтан', cost: 50 }],
        },
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    assert.match(id, /^vote-22s\d+-\d{4}-\d{6}$/);
    assert.equal((await call(api, 'POST', `/events/${id}/publish`, { token: token.government })).body.status, 'scheduled');

    const proposed = await call(api, 'POST', `/events/${id}/projects`, { token: voters[0], body: { name: 'Детская площадка', cost: 50 } });
    assert.equal(proposed.status, 201, proposed.text);
    const C = proposed.body.id as string;
    const moderated = await call(api, 'POST', `/events/${id}/projects/${C}/moderation`, { token: token.government, body: { decision: 'approved', reason: 'Соответствует условиям' } });
    assert.equal(moderated.body.status, 'approved');

    await waitFor(id, 'open');
    // 6 voters approve A and B, 4 approve the citizens' project: greedy would fund A and B, equal shares A and C.
    for (let i = 0; i < 10; i++) {
      const r = await call(api, 'POST', `/events/${id}/responses`, { token: voters[i], body: { approved: i < 6 ? ['A', 'B'] : [C] } });
      assert.equal(r.status, 201, r.text);
    }
    const twice = await call(api, 'POST', `/events/${id}/responses`, { token: voters[0], body: { approved: [C] } });
    assert.equal(twice.status, 409);
    const tooMany = await call(api, 'POST', `/events/${id}/responses`, { token: token.young, body: { approved: ['A'] } });
    assert.equal(tooMany.status, 403, 'under 16');
    assert.equal(Number((await db('participation_responses').where({ event_id: id }).count('* as n'))[0].n), 10);

    const done = await waitFor(id, 'results_published');
    const results = done.results;
    assert.equal(results.rule, 'equal_shares');
    assert.deepEqual([...results.winners].sort(), ['A', C].sort());
    for (const p of results.projects) assert.ok(typeof p.explanation === 'string' && p.explanation.length > 0);
    const ranked = await call(api, 'GET', `/events/${id}/projects`, { token: voters[3] });
    assert.deepEqual(ranked.body.items.map((p: { id: string; votes: number }) => [p.id, p.votes]), [['A', 6], ['B', 6], [C, 4]]);

    const pb = await call(api, 'GET', `/events/${id}/export.pb`, { token: voters[5] });
    assert.equal(pb.status, 200, pb.text);
    assert.match(pb.headers.get('content-type') ?? '', /text\/plain/);
    const file = parsePabulib(pb.text);
    assert.equal(file.meta.num_votes, '10');
    assert.equal(file.meta.rule, 'equalshares/add1', 'a budget vote: equal shares with cost utilities and Add1');
    assert.equal(file.votes.length, 10, 'one line per voter');
    assert.ok(file.votes.every((v) => /^\d+$/.test(v.voterId)), 'voters are numbered, never named');
    const c = file.projects.find((p) => p.id === C)!;
    assert.deepEqual([c.cost, c.votes, c.selected], [50, 4, 1]);
    assert.equal(file.projects.find((p) => p.id === 'B')!.selected, 0);
  });
});
