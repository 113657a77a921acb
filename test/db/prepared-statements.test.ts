// The hot statements run as named prepared statements (db/connection.ts `prepared`): each connection
// parses and plans them once, and later calls execute what it kept, with the same answers.
import assert from 'node:assert/strict';
import { connect, prepared, type Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { applyFactsDelta, caseFacts, FACT_MEASURES, factsDelta, type Fact } from '../../domain/monitoring/facts';
import { noticeAudience } from '../../domain/outbound/notices';
import { checkCaseReferences } from '../../domain/reference/checks';
import { freshDatabase } from '../support/postgres';

describe('db: hot statements prepared once per connection', () => {
  let db: Db;
  const ambulance = { regionId: 'altai', subcategoryId: 'altai.c.medicine.ambulance', territoryId: null };

  before(async () => {
    const { url, db: setup } = await freshDatabase('prepared');
    await loadSeeds(setup);
    db = connect(url, { max: 1 }); // one connection: what it keeps is what every call found
  });

  after(() => db.destroy());

  const kept = async () => (await db.raw('select name, statement from pg_prepared_statements order by prepare_time')).rows as { name: string; statement: string }[];

  it('names a statement by its text: the same text the same name, another text another', () => {
    assert.deepEqual(prepared('select 1'), prepared('select 1'));
    assert.notEqual(prepared('select 1').name, prepared('select 2').name);
    assert.match(prepared('select 1').name, /^otklik_[0-9a-f]{24}$/);
    assert.ok(prepared('select 1').name.length <= 63, 'within PostgreSQL\'s identifier length');
  });

  it('keeps the case references\' check, the notices\' audience and a case\'s facts after their first call, and answers the same from them', async () => {
    const first = await checkCaseReferences(db, ambulance);
    const audience = await noticeAudience(db, { regionId: 'altai', organisationId: 'altai.minzdrav' }, { operators: true, supervisors: true });
    const facts = await caseFacts(db, 'no-such-case');
    const names = (await kept()).map((s) => s.name);
    assert.equal(names.length, 3, `three statements kept: ${names.join(', ')}`);
    assert.ok(names.every((n) => n.startsWith('otklik_')));

    assert.deepEqual(await checkCaseReferences(db, ambulance), first);
    assert.deepEqual(await noticeAudience(db, { regionId: 'altai', organisationId: 'altai.minzdrav' }, { operators: true, supervisors: true }), audience);
    assert.deepEqual(await caseFacts(db, 'no-such-case'), facts);
    assert.deepEqual((await kept()).map((s) => s.name), names, 'the same three, not prepared again');

    assert.equal(first.categoryId, 'altai.c.medicine');
    assert.equal(audience.timeZone, 'Asia/Barnaul');
    assert.equal(audience.orgName, 'Министерство здравоохранения Алтайского края');
    assert.deepEqual(facts, []);
  });

  it('keeps one statement per text: the notices\' audience without supervisors is a second one', async () => {
    const before = (await kept()).length;
    await noticeAudience(db, { regionId: 'altai', organisationId: 'altai.minzdrav' }, { operators: true, supervisors: false });
    await noticeAudience(db, { regionId: 'altai', organisationId: 'altai.minzdrav' }, { operators: true, supervisors: false });
    assert.equal((await kept()).length, before + 1);
  });

  it('adds a rollup delta of any number of rows with one statement, summing into the rows there', async () => {
    const fact = (organisation: string, received: number): Fact => ({
      region_id: 'altai', month: '2026-12-01', organisation_id: organisation, territory_id: '', category_id: 'altai.c.medicine', channel: 'web',
      measures: { ...Object.fromEntries(FACT_MEASURES.map((m) => [m, 0])), received } as Fact['measures'], answerDays: null,
    });
    const before = (await kept()).length;
    const one = factsDelta([], [fact('altai.minzdrav', 1)]);
    const two = factsDelta([], [fact('altai.minzdrav', 1), fact('altai.minstroy', 2)]);
    assert.ok(two.rollup.length > one.rollup.length, 'deltas of different sizes');
    await db.transaction((trx) => applyFactsDelta(trx, one, 3));
    await db.transaction((trx) => applyFactsDelta(trx, two, 3));
    assert.equal((await kept()).length, before + 1, 'one statement for both sizes');
    const rows = (await db('monitoring_rollup').where({ region_id: 'altai', grain: 0, shard: 3 }).select('received')) as { received: string }[];
    assert.deepEqual(rows.map((r) => Number(r.received)), [4], 'the region\'s month: 1, then 1 + 2 more');
  });
});
