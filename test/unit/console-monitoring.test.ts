// The console's monitoring dashboards, their pure parts: the filters as the address keeps them, the
// indicator API's query, and the queue filters of a figure (the drill-down), with where the queue cannot
// match a figure (a channel, an organisation's subtree, a district's settlements).
import assert from 'node:assert/strict';
import { defaults, drillable, drillFilters, fromSearch, indicatorQuery, monthsBefore, quartersUpTo, toSearch } from '../../web/src/console/monitoring/filters';
import { fromSearch as queueFromSearch, listQuery, NO_FILTERS, queuePath } from '../../web/src/console/queue/filters';

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

  it('drills a figure down to the queue filters of its cases, and only where the queue can match them', () => {
    const d = defaults(NOW);
    assert.deepEqual(drillFilters(d, 'overdueNow', { organisationId: 'o1' }), { open: 'true', overdue: 'true', organisationId: 'o1', categoryId: '', territoryId: '' });
    assert.deepEqual(drillFilters({ ...d, categoryId: 'c' }, 'received'), { open: '', overdue: '', organisationId: '', categoryId: 'c', territoryId: '' });
    assert.equal(drillable(d), true);
    assert.equal(drillable(d, 'channel'), false);
    assert.equal(drillable({ ...d, channel: 'web' }, 'organisation'), false);
    assert.equal(drillable({ ...d, organisationId: 'o' }), false, 'a subtree is not one organisation');
    assert.equal(drillable({ ...d, organisationId: 'o' }, 'organisation'), true);
    assert.equal(drillable({ ...d, organisationId: 'o', subtree: 'false' }), true);
    assert.equal(drillable({ ...d, territoryId: 'district' }), false, 'a district filter takes its settlements');
    assert.equal(drillable({ ...d, territoryId: 'district' }, 'territory'), true);
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
