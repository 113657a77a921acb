// The region's allowed duration of participation events (pure): Khabarovsk's 15–30 calendar days.
import assert from 'node:assert/strict';
import { eventDays, eventDurationProblem, isDurationRange } from '../../workflows/rules/event-duration';

const khabarovsk = { poll: { minDays: 15, maxDays: 30 }, vote: { minDays: 15, maxDays: 30 }, discussion: { minDays: 15, maxDays: 30 } };
const from = (days: number) => ({ opensAt: '2026-12-10T00:00:00+10:00', closesAt: new Date(Date.parse('2026-12-10T00:00:00+10:00') + days * 86_400_000).toISOString() });

describe('event duration per region (pure)', () => {
  it('accepts 15 to 30 days in Khabarovsk, both ends included', () => {
    for (const d of [15, 20, 30]) assert.equal(eventDurationProblem('poll', from(d), khabarovsk), null, `${d} days`);
    assert.equal(eventDays(from(20).opensAt, from(20).closesAt), 20);
  });

  it('refuses shorter and longer events, saying the range and the length', () => {
    assert.equal(eventDurationProblem('poll', from(10), khabarovsk), 'a poll in this region runs from 15 to 30 calendar days (the region\'s regulation); this schedule gives 10');
    assert.match(eventDurationProblem('vote', from(30.5), khabarovsk) ?? '', /from 15 to 30 .* gives 30\.5/);
    assert.match(eventDurationProblem('discussion', from(14), khabarovsk) ?? '', /discussion/);
  });

  it('enforces nothing where the profile sets nothing', () => {
    assert.equal(eventDurationProblem('hearing', from(3), khabarovsk), null);
    assert.equal(eventDurationProblem('poll', from(3), {}), null);
    assert.equal(eventDurationProblem('poll', from(3), undefined), null);
    assert.equal(eventDurationProblem('poll', { opensAt: 'x', closesAt: 'y' }, khabarovsk), null, 'bad instants are the schedule check\'s');
  });

  it('knows a usable range', () => {
    assert.ok(isDurationRange({ minDays: 15, maxDays: 30 }));
    for (const bad of [null, {}, { minDays: 0, maxDays: 3 }, { minDays: 5, maxDays: 4 }, { minDays: 1.5, maxDays: 3 }, { minDays: 1, maxDays: 400 }]) assert.equal(isDurationRange(bad), false);
  });
});
