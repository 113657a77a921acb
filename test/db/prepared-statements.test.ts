// The hot statements run as named prepared statements (db/connection.ts `prepared`): each connection
// parses and plans them once, and later calls execute what it kept, with the same answers.
import assert from 'node:assert/strict';
import { connect, prepared, type Db } from '../../db/connection';
import { loadSeeds } from '../../db/seed';
import { caseFacts } from '../../domain/monitoring/facts';
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
});
