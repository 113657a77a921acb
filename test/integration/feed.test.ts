// The change feed's reader on the projection's own writes, without Temporal: order under concurrent
// commits, visibility by organisation subtree (hand-overs out of it included, nothing after them), the
// public vocabulary, snapshots, and cursors.
import assert from 'node:assert/strict';
import { createAppealActivities } from '../../activities/appeal';
import type { AppealEventType } from '../../workflows/appeal/events';
import type { AuthUser } from '../../domain/identity/users';
import { readFeed, readFeedPage } from '../../domain/integration/feed';
import { settledCaseEventId } from '../../domain/cases/event-order';
import { CASE_EVENT_TYPES } from '../../workflows/appeal/events';
import type { AppealInput, AppealState } from '../../workflows/appeal/messages';
import { type Actor, SYSTEM } from '../../workflows/shared/actor';
import type { Db } from '../../db/connection';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';

const OPERATOR: Actor = { userId: null, role: 'operator', organisationId: ORG.ministry };

function inputOf(caseId: string): AppealInput {
  return {
    caseId, kind: 'appeal', regionId: TEST_REGION,
    applicant: { userId: null, name: 'Иван Петров', email: null },
    categoryId: CAT.medicine, subcategoryId: CAT.ambulance, territoryId: TERRITORY.village,
    text: 'Скорая не приехала', receivedAt: '2026-11-27T03:00:00.000Z',
  };
}

function stateOf(caseId: string, over: Partial<AppealState>): AppealState {
  return {
    caseId, kind: 'appeal', regionId: TEST_REGION, applicantUserId: null, status: 'registered', regulation: null,
    organisationId: ORG.ministry, previousOrganisations: [], registeredAt: '2026-11-27T03:00:00.000Z',
    answerDueAt: '2026-12-07T16:59:59.999Z', termDays: 10, accelerated: true, advisory: false, advisoryDueAt: null, advisoryMissed: false, overdue: false,
    extended: false, round: 1, remindersSent: [], answer: null, clarification: null, rating: null, ratingDueAt: null,
    resolution: null, closedAt: null, externalRegistrations: [], seq: 1, ...over,
  };
}

function integrationUser(organisationId: string, subtree: string[]): AuthUser {
  return { id: 9000, role: 'integration', name: 'СЭД', email: null, organisationId, regionId: null, scopes: ['feed:read'], organisationSubtree: subtree } as AuthUser;
}

describe('change feed: reader and projection order', function () {
  this.timeout(60_000);
  let db: Db;
  let project: ReturnType<typeof createAppealActivities>['projectAppealTransition'];

  before(async () => {
    ({ db } = await freshDatabase('feed'));
    await createTestRegion(db);
    project = createAppealActivities(db).projectAppealTransition;
  });

  async function transition(caseId: string, seq: number, type: AppealEventType, state: Partial<AppealState>, details: Record<string, unknown> = {}, actor: Actor = SYSTEM) {
    await project({ input: inputOf(caseId), state: stateOf(caseId, { ...state, seq }), type, actor, occurredAt: new Date(Date.UTC(2026, 10, 27, 3, 0, seq)).toISOString(), details });
  }

  const ids = async (after: string | number) => (await db('case_events').where('id', '>', after).orderBy('id').select('id')).map((r) => String(r.id));
  /** What a reader of the feed may read past a cursor: up to the settled id (domain/cases/event-order.ts). */
  const settledIds = async (after: string | number) => {
    const settled = await settledCaseEventId(db);
    return (await db('case_events').where('id', '>', after).where('id', '<=', settled).orderBy('id').select('id')).map((r) => String(r.id));
  };

  it('lets a reader past a cursor see case_events only in id order, even when an earlier insert commits late', async () => {
    // A trigger stalls the projection of one case after its event row got its id and before it
    // commits. Another case's projection runs meanwhile and commits first, without waiting for it. A
    // reader in between must never see the later id without the earlier one: were it to read past the
    // settled id (or a writer draw its id outside the order lock), it would see id N+1 committed and N
    // not yet, and a cursor moved to N+1 would skip N forever.
    await transition('ORDER-SLOW', 1, 'registered', {});
    await transition('ORDER-FAST', 1, 'registered', {});
    await db.raw(`create or replace function feed_test_stall() returns trigger language plpgsql as $$
      begin if new.case_id = 'ORDER-SLOW' then perform pg_sleep(2); end if; return new; end $$`);
    await db.raw('create trigger feed_test_stall after insert on case_events for each row execute function feed_test_stall()');
    try {
      const before = (await ids(0)).at(-1)!;
      let slowDone = false;
      const slow = transition('ORDER-SLOW', 2, 'taken_into_work', { status: 'in_work' }, {}, OPERATOR).then(() => { slowDone = true; });
      const stalled = Date.now() + 10_000;
      while (Number((await db.raw(`select count(*) as n from pg_stat_activity where wait_event = 'PgSleep' and datname = current_database()`)).rows[0].n) === 0) {
        if (Date.now() > stalled) throw new Error('the stalled projection never reached its insert');
        await new Promise((r) => setTimeout(r, 20));
      }
      await transition('ORDER-FAST', 2, 'taken_into_work', { status: 'in_work' }, {}, OPERATOR);
      assert.equal(slowDone, false, 'the second projection committed while the first was still stalled: writers do not wait for each other');
      assert.equal((await ids(before)).length, 1, 'the later id is committed, the earlier one not yet');
      const during = await settledIds(before);
      await slow;
      const after = await settledIds(before);
      assert.equal(after.length, 2, 'both transitions are projected');
      assert.deepEqual(during, after.slice(0, during.length), `a reader saw ${JSON.stringify(during)} while the final order is ${JSON.stringify(after)}: an id became visible before a smaller one`);
      const rows = await db('case_events').whereIn('id', after).orderBy('id').select('case_id');
      assert.deepEqual(rows.map((r) => r.case_id), ['ORDER-SLOW', 'ORDER-FAST'], 'the stalled transition keeps the earlier position');
    } finally {
      await db.raw('drop trigger if exists feed_test_stall on case_events');
    }
  });

  it('shows a subtree its own events, the hand-over out of it and nothing after, in public types, without reminders', async () => {
    const start = (await ids(0)).at(-1)!;
    // In the district's subtree (district, settlement): case A stays, case B leaves for the ministry.
    await transition('SUB-A', 1, 'registered', { organisationId: ORG.settlement }, { routing: { explanation: 'internal' } });
    await transition('SUB-B', 1, 'registered', { organisationId: ORG.district });
    await transition('OUT-C', 1, 'registered', { organisationId: ORG.transport });
    await transition('SUB-A', 2, 'reminder', { organisationId: ORG.settlement }, { offsetDays: 3 });
    await transition('SUB-A', 3, 'acknowledged', {
      organisationId: ORG.settlement,
      externalRegistrations: [{ organisationId: ORG.settlement, externalNumber: 'ВХ-17', externalRegisteredAt: '2026-11-27', acknowledgedAt: '2026-11-27T04:00:00.000Z' }],
    }, { externalNumber: 'ВХ-17', externalRegisteredAt: '2026-11-27' }, { userId: null, role: 'integration', organisationId: ORG.settlement });
    await transition('SUB-B', 2, 'redirected', { organisationId: ORG.ministry, previousOrganisations: [ORG.district] }, { from: ORG.district, to: ORG.ministry, reason: 'Не наша компетенция' }, { userId: null, role: 'operator', organisationId: ORG.district });
    await transition('SUB-B', 3, 'taken_into_work', { organisationId: ORG.ministry, status: 'in_work' }, {}, OPERATOR);
    await transition('SUB-A', 4, 'answered', {
      organisationId: ORG.settlement, status: 'answered',
      answer: { text: 'Яма заделана', attachments: [], answeredAt: '2026-11-27T05:00:00.000Z', byUserId: null, organisationId: ORG.settlement },
      externalRegistrations: [{ organisationId: ORG.settlement, externalNumber: 'ВХ-17', externalRegisteredAt: '2026-11-27', acknowledgedAt: '2026-11-27T04:00:00.000Z' }],
    }, { text: 'Яма заделана', attachments: [] }, { userId: null, role: 'integration', organisationId: ORG.settlement });

    const district = integrationUser(ORG.district, [ORG.district, ORG.settlement]);
    const page = await readFeedPage(db, district, { after: start, limit: 100, types: [...CASE_EVENT_TYPES] });
    assert.deepEqual(page.events.map((e) => `${e.caseId} ${e.type}`), [
      'SUB-A case.registered', 'SUB-B case.registered', 'SUB-A case.acknowledged', 'SUB-B case.routed', 'SUB-A case.answered',
    ]);
    const [registered, , acknowledged, routed, answered] = page.events;
    assert.equal(registered.eventId, 'SUB-A/1');
    assert.deepEqual(registered.data, { status: 'registered', answerDueAt: '2026-12-07T16:59:59.999Z', overdue: false, round: 1, externalNumber: null, externalRegisteredAt: null }, 'internal routing details are not published');
    assert.equal(acknowledged.data.externalNumber, 'ВХ-17');
    assert.equal(acknowledged.actor.role, 'integration');
    assert.deepEqual([routed.organisationId, routed.data.from, routed.data.to, routed.data.reason], [ORG.ministry, ORG.district, ORG.ministry, 'Не наша компетенция']);
    assert.deepEqual([answered.data.status, answered.data.text, answered.data.externalNumber], ['answered', 'Яма заделана', 'ВХ-17']);
    assert.equal(page.nextCursor, answered.id);

    // The ministry's subtree sees B from its arrival on, and nothing of the district's own cases.
    const ministry = integrationUser(ORG.ministry, [ORG.ministry]);
    const theirs = await readFeedPage(db, ministry, { after: start, limit: 100, types: [...CASE_EVENT_TYPES] });
    assert.deepEqual(theirs.events.map((e) => `${e.caseId} ${e.type}`), ['SUB-B case.routed', 'SUB-B case.taken_into_work']);

    // Cursor continuation and the types filter.
    const firstTwo = await readFeedPage(db, district, { after: start, limit: 2, types: [...CASE_EVENT_TYPES] });
    const rest = await readFeedPage(db, district, { after: firstTwo.nextCursor, limit: 100, types: [...CASE_EVENT_TYPES] });
    assert.deepEqual([...firstTwo.events, ...rest.events].map((e) => e.id), page.events.map((e) => e.id));
    const onlyAnswers = await readFeedPage(db, district, { after: start, limit: 100, types: ['case.answered'] });
    assert.deepEqual(onlyAnswers.events.map((e) => e.eventId), ['SUB-A/4']);

    // Supervisors read their region's feed; another region's supervisor reads nothing of it.
    const supervisor = { id: 9001, role: 'supervisor', name: 'ЦУР', email: null, organisationId: null, regionId: TEST_REGION } as AuthUser;
    const regional = await readFeedPage(db, supervisor, { after: start, limit: 100, types: [...CASE_EVENT_TYPES] });
    assert.deepEqual(regional.events.map((e) => e.eventId), ['SUB-A/1', 'SUB-B/1', 'OUT-C/1', 'SUB-A/3', 'SUB-B/2', 'SUB-B/3', 'SUB-A/4']);
    const elsewhere = await readFeedPage(db, { ...supervisor, regionId: 'altai' }, { after: start, limit: 100, types: [...CASE_EVENT_TYPES] });
    assert.deepEqual(elsewhere.events, []);

    // Nothing after the last event: the page is empty and the cursor stays.
    const empty = await readFeedPage(db, district, { after: page.nextCursor, limit: 100, types: [...CASE_EVENT_TYPES] });
    assert.deepEqual(empty, { events: [], nextCursor: page.nextCursor });
  });

  it('long-polls: answers as soon as an event arrives, or empty when the wait ends', async () => {
    const district = integrationUser(ORG.district, [ORG.district, ORG.settlement]);
    const cursor = (await ids(0)).at(-1)!;
    const t0 = Date.now();
    const quiet = await readFeed(db, district, { after: cursor, limit: 10, types: [...CASE_EVENT_TYPES] }, 1);
    assert.deepEqual(quiet.events, []);
    assert.ok(Date.now() - t0 >= 950, 'an empty page comes after the wait');
    const t1 = Date.now();
    const waiting = readFeed(db, district, { after: cursor, limit: 10, types: [...CASE_EVENT_TYPES] }, 20);
    await new Promise((r) => setTimeout(r, 500));
    await transition('SUB-D', 1, 'registered', { organisationId: ORG.district });
    const page = await waiting;
    assert.deepEqual(page.events.map((e) => e.eventId), ['SUB-D/1']);
    assert.ok(Date.now() - t1 < 5000, `the waiting reader answered ${Date.now() - t1} ms after it asked`);
  });
});
