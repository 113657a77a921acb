// The overdue rule the read model shares with the appeal workflow (workflows/rules/overdue.ts).
import assert from 'node:assert/strict';
import { overdueAt, termRunsIn } from '../../workflows/rules/overdue';

describe('overdue rule', () => {
  const due = '2026-12-07T00:00:00.000Z';
  const at = Date.parse(due);

  it('is overdue from the instant of the term while the term runs', () => {
    for (const status of ['registered', 'in_work', 'clarification_requested']) {
      assert.equal(overdueAt({ overdue: false, status, answerDueAt: due }, at - 1), false, status);
      assert.equal(overdueAt({ overdue: false, status, answerDueAt: due }, at), true, status);
      assert.equal(overdueAt({ overdue: false, status, answerDueAt: new Date(due) }, at + 1), true, status);
    }
  });

  it('is not overdue by time once answered or closed, nor without a term', () => {
    assert.equal(overdueAt({ overdue: false, status: 'answered', answerDueAt: due }, at + 1), false);
    assert.equal(overdueAt({ overdue: false, status: 'closed', answerDueAt: due }, at + 1), false);
    assert.equal(overdueAt({ overdue: false, status: 'registered', answerDueAt: null }, at + 1), false);
    assert.deepEqual(['answered', 'closed'].map(termRunsIn), [false, false]);
  });

  it('keeps what the workflow flagged, whatever the status and the clock', () => {
    assert.equal(overdueAt({ overdue: true, status: 'answered', answerDueAt: due }, at - 1), true);
  });
});
