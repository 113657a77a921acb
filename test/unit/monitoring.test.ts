// The pure rules of monitoring: the rating's scores and ranks, the median from answer-day histograms,
// the grain a request reads, and the delta the projection writes to the rollups.
import assert from 'node:assert/strict';
import { factsDelta, grainFor, type Fact, FACT_MEASURES } from '../../domain/monitoring/facts';
import { medianOfDays } from '../../domain/monitoring/indicators';
import { indicatorScore, meetsTarget, rankRows, scoreSubject, type RatingRow, type SubjectValues } from '../../domain/monitoring/scoring';

const subject = (id: string, over: Partial<SubjectValues>): SubjectValues => ({
  subjectKind: 'organisation', subjectId: id, subjectName: id, received: 10, answered: 10, rated: 5,
  answeredOnTimePercent: null, averageAnswerDays: null, medianAnswerDays: null, ratingHighPercent: null,
  sentToRepeatPercent: null, overdueNowPercent: null, redirectPercent: null, ...over,
});

describe('monitoring rules', () => {
  it('scores an indicator 1 at its target and proportionally short of it, either way', () => {
    assert.equal(indicatorScore(60, 60, 'higher'), 1);
    assert.equal(indicatorScore(30, 60, 'higher'), 0.5);
    assert.equal(indicatorScore(8, 8, 'lower'), 1);
    assert.equal(indicatorScore(16, 8, 'lower'), 0.5);
    assert.equal(indicatorScore(0, 0, 'higher'), 1);
    assert.equal(meetsTarget(59.9, 60, 'higher'), false);
    assert.equal(meetsTarget(8, 8, 'lower'), true);
  });

  it('scores a subject over the indicators it has data for, and lists the targets it misses', () => {
    const config = [
      { indicator: 'averageAnswerDays' as const, weight: 1, target: 8, better: 'lower' as const },
      { indicator: 'ratingHighPercent' as const, weight: 3, target: 60, better: 'higher' as const },
    ];
    const row = scoreSubject(subject('a', { averageAnswerDays: 16, ratingHighPercent: 60 }), config);
    assert.deepEqual([row.score, row.thresholdsMet, row.thresholdsTotal, row.unmet], [87.5, 1, 2, 'averageAnswerDays']); // (0.5 + 3) / 4
    const noRatings = scoreSubject(subject('b', { averageAnswerDays: 4 }), config);
    assert.deepEqual([noRatings.score, noRatings.thresholdsMet, noRatings.unmet], [100, 1, '']);
    assert.equal(scoreSubject(subject('c', {}), config).score, null);
  });

  it('ranks best first, shares a rank on a full tie, and leaves small or unscored subjects unranked at the end', () => {
    const row = (id: string, score: number | null, received: number, met = 1): RatingRow => ({
      ...subject(id, { received }), rank: null, score, thresholdsMet: met, thresholdsTotal: 2, unmet: '',
    });
    const ranked = rankRows([row('d', 90, 1), row('a', 80, 5), row('b', 90, 5), row('c', 90, 5), row('e', null, 9), row('f', 95, 5, 0)], 2);
    assert.deepEqual(ranked.map((r) => [r.subjectId, r.rank]), [['f', 1], ['b', 2], ['c', 2], ['a', 4], ['d', null], ['e', null]]);
  });

  it('takes the median of whole answer days from a histogram', () => {
    assert.equal(medianOfDays(new Map()), null);
    assert.equal(medianOfDays(new Map([[3, 1]])), 3);
    assert.equal(medianOfDays(new Map([[3, 2], [8, 1], [14, 1]])), 5.5);
    assert.equal(medianOfDays(new Map([[45, 1], [3, 2], [6, 2], [8, 1], [14, 1]])), 6);
    assert.equal(medianOfDays(new Map([[2, 0], [5, 1]])), 5);
  });

  it('reads the smallest grain that has the request\'s dimensions', () => {
    assert.equal(grainFor([]), 0);
    assert.equal(grainFor(['channel']), 4);
    assert.equal(grainFor(['organisation_id']), 1);
    assert.equal(grainFor(['organisation_id', 'organisation_id']), 1);
    assert.equal(grainFor(['territory_id', 'channel']), 7);
    assert.equal(grainFor(['channel', 'organisation_id']), 6);
    assert.equal(grainFor(['territory_id', 'category_id']), 5);
  });

  it('writes as delta only what changed, at every grain, histograms where kept', () => {
    const measures = (over: Partial<Record<(typeof FACT_MEASURES)[number], number>>) =>
      Object.fromEntries(FACT_MEASURES.map((m) => [m, over[m] ?? 0])) as Fact['measures'];
    const fact = (over: Partial<Fact>): Fact => ({
      region_id: 'r', month: '2026-05-01', organisation_id: 'o', territory_id: 't', category_id: 'c', channel: 'web',
      measures: measures({}), answerDays: null, ...over,
    });
    const received = fact({ measures: measures({ received: 1, open_now: 1 }) });
    const before = [received];
    const after = [fact({ measures: measures({ received: 1 }) }), fact({ month: '2026-06-01', measures: measures({ answered: 1, answer_seconds: 86_400 }), answerDays: 1 })];
    const delta = factsDelta(before, after);
    // May: open_now −1 at each of the 9 grains; June: an answer at each of the 9 grains.
    assert.equal(delta.rollup.length, 18);
    assert.ok(delta.rollup.filter((r) => r.key.month === '2026-05-01').every((r) => r.measures.open_now === -1 && r.measures.received === 0));
    assert.deepEqual(delta.answerDays.map((d) => [d.key.grain, d.hist]), [0, 1, 2, 3, 4, 6, 7, 8].map((g) => [g, [0, 1]]));
    assert.deepEqual(factsDelta(before, [received]), { rollup: [], answerDays: [] });
  });
});
