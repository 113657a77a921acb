// The console's monitoring dashboards, their pure parts: the filters as the address keeps them, the
// indicator API's query, and the queue filters of a figure (the drill-down: its registration period,
// channel, organisation's subtree, district's settlements), with where the queue cannot match a figure.
import assert from 'node:assert/strict';
import { defaults, drillFilters, fromSearch, indicatorQuery, monthsBefore, quartersUpTo, toSearch } from '../../web/src/console/monitoring/filters';
import { fromSearch as queueFromSearch, listQuery, NO_FILTERS, queuePath } from '../../web/src/console/queue/filters';
import { monthStartIn } from '../../web/src/format';

const NOW = new Date(2026, 0, 15);

describe('console monitoring: filters, queries and drill-down', () => {
  it('defaults to the last twelve months and the last ended quarter, and keeps in the address only what differs', () => {
    const d = defaults(NOW);
    assert.deepEqual([d.from, d.to, d.quarter], ['2025-02', '2026-01', '2025-Q4']);
    assert.equal(toSearch(d, NOW), '');
    const f = { ...d, categoryId: 'altai.c.roads', from: '2025-07' };
    assert.equal(toSearch(f, NOW), 'categoryId=altai.c.roads&from=2025-07');
    assert.deepEqual(fromSearch(toSearch(f, NOW), NOW), f);
    assert.equal(fromSearch('by=nonsense&subject=x&subtree=maybe', NOW).by, 'organisation');
    assert.equal(fromSearch('subject=x', NOW).subject, 'organisation');
  });

  it('counts months and quarters back across years', () => {
    assert.equal(monthsBefore('2026-01', 1), '2025-12');
    assert.equal(monthsBefore('2026-03', 14), '2025-01');
    assert.deepEqual(quartersUpTo('2026-02', 3), ['2026-Q1', '2025-Q4', '2025-Q3']);
  });

  it('asks the indicators with the filters given, the subtree only with an organisation', () => {
    const d = defaults(NOW);
    assert.deepEqual(indicatorQuery(d, []), { from: '2025-02', to: '2026-01' });
    assert.deepEqual(indicatorQuery({ ...d, organisationId: 'o', subtree: 'false', channel: 'embed', territoryId: 't' }, ['month']),
      { from: '2025-02', to: '2026-01', organisationId: 'o', subtree: false, channel: 'embed', territoryId: 't', groupBy: ['month'] });
  });

  it('drills a figure down to the queue filters of exactly its cases, and gives none where the queue cannot match them', () => {
    const d = { ...defaults(NOW), from: '2026-07', to: '2026-09' };
    const period = { registeredFrom: '2026-06-30T17:00:00.000Z', registeredTo: '2026-09-30T17:00:00.000Z' };
    const none = { regionId: '', organisationId: '', organisationSubtree: '', territoryId: '', territorySubtree: '', categoryId: '', channel: '' };
    assert.deepEqual(drillFilters(d, 'overdueNow', 'Asia/Barnaul', { organisationId: 'o1' }), { ...none, open: 'true', overdue: 'true', ...period, organisationId: 'o1' });
    assert.deepEqual(drillFilters({ ...d, categoryId: 'c', channel: 'web' }, 'received', 'Asia/Barnaul'), { ...none, open: '', overdue: '', ...period, categoryId: 'c', channel: 'web' });
    assert.deepEqual(drillFilters({ ...d, organisationId: 'o', territoryId: 'district' }, 'openNow', 'Asia/Barnaul'),
      { ...none, open: 'true', overdue: '', ...period, organisationId: 'o', organisationSubtree: 'true', territoryId: 'district', territorySubtree: 'true' });
    assert.equal(drillFilters({ ...d, organisationId: 'o', subtree: 'false' }, 'openNow', 'Asia/Barnaul')?.organisationSubtree, '');
    assert.deepEqual(drillFilters({ ...d, territoryId: 'district' }, 'openNow', 'UTC', { territoryId: 'village', period: '2026-08' }),
      { ...none, open: 'true', overdue: '', registeredFrom: '2026-08-01T00:00:00.000Z', registeredTo: '2026-09-01T00:00:00.000Z', territoryId: 'village' });
    assert.equal(drillFilters(d, 'received', 'UTC', { organisationId: 'o1' }), null, 'received is counted where the case was routed, the queue knows where it is now');
    assert.equal(drillFilters(d, 'openNow', 'UTC', { channel: 'incident' }), null, 'incidents are not in the queue');
    assert.equal(drillFilters(d, 'openNow', 'UTC', { territoryId: null }), null, 'the queue cannot select cases without a territory');
    assert.equal(monthStartIn('2026-12', 'Europe/Berlin', 1), '2026-12-31T23:00:00.000Z');
  });

  it('carries the queue filters in the address and back', () => {
    const path = queuePath({ organisationId: 'o1', open: 'true', overdue: 'true', territoryId: 't1' });
    assert.equal(path, '/queue?overdue=true&open=true&organisationId=o1&territoryId=t1');
    const f = queueFromSearch(path.split('?')[1]);
    assert.deepEqual(f, { ...NO_FILTERS, overdue: 'true', organisationId: 'o1', territoryId: 't1' });
    assert.deepEqual(listQuery(f), { overdue: true, open: true, organisationId: 'o1', territoryId: 't1' });
    assert.equal(queueFromSearch(queuePath({ open: '' }).split('?')[1]).open, '', 'any state, said as such');
    assert.deepEqual(queueFromSearch(''), NO_FILTERS);
  });
});
