import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { localActivityOf, renderRun } from '../../domain/cases/history';

const payloads = (value: unknown) => ({ payloads: [defaultPayloadConverter.toPayload(value)] });
const at = { seconds: 1_796_547_926, nanos: 0 };

/** A MarkerRecorded event as the SDK records a local activity (marker data in snake case, as core writes it). */
function localActivityMarker(eventId: number, type: string, attempt: number, outcome: { result?: unknown; failure?: string }) {
  return {
    eventId, eventTime: at,
    markerRecordedEventAttributes: {
      markerName: 'core_local_activity',
      details: {
        data: payloads({ seq: 1, attempt, activity_id: '1', activity_type: type, complete_time: at, backoff: null }),
        ...(outcome.result !== undefined ? { result: payloads(outcome.result) } : {}),
      },
      ...(outcome.failure ? { failure: { message: outcome.failure, applicationFailureInfo: { type: 'DatabaseError' } } } : {}),
    },
  };
}

describe('case history: local activities (domain/cases/history.ts)', () => {
  it('renders a local activity marker as one entry, with its attempts and failure; other markers are not shown', () => {
    const events = [
      { eventId: 5, eventTime: at, markerRecordedEventAttributes: { markerName: 'core_patch', details: { 'patch-data': payloads({ id: 'appeal-local-activities', deprecated: false }) } } },
      localActivityMarker(6, 'routeAppeal', 1, { result: { organisationId: 'altai.minzdrav' } }),
      localActivityMarker(7, 'projectAppealTransition', 3, { failure: 'case_events refused' }),
      localActivityMarker(8, 'projectAppealTransition', 2, { result: { type: 'registered', seq: 1 } }),
    ];
    const entries = renderRun({ runId: 'r1', events: events as never });
    assert.deepEqual(entries.map((e) => [e.eventId, e.kind, e.name, e.summary]), [
      [6, 'local_activity_completed', 'routeAppeal', 'Local activity routeAppeal completed'],
      [7, 'local_activity_failed', 'projectAppealTransition', 'Local activity projectAppealTransition failed after 3 attempts: case_events refused'],
      [8, 'local_activity_completed', 'projectAppealTransition', 'Local activity projectAppealTransition completed after 2 attempts'],
    ]);
  });

  it('reads a local activity\'s answer from its marker, and nothing from other events', () => {
    const local = localActivityOf(localActivityMarker(9, 'projectAppealTransition', 1, { result: { type: 'closed', seq: 7, resolution: 'rated_positive' } }));
    assert.deepEqual(local, { activityType: 'projectAppealTransition', attempt: 1, result: { type: 'closed', seq: 7, resolution: 'rated_positive' } });
    assert.equal(localActivityOf({ eventId: 1, timerFiredEventAttributes: { timerId: '1' } }), undefined);
  });
});
