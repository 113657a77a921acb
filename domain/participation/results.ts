// An event's results as the API reads them, and paper / offline results recorded by the organiser.
import type { Db } from '../../db/connection';
import { resultsVisible } from '../../workflows/participation/lifecycle';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { organisedEvent, visibleEvent } from './access';
import { loadEventRow, type EventRow } from './read-model';
import { participationType } from './registry';
import { visibleResults } from './representation';

/** The event's results once they are visible (409 before, saying when they will be). */
export async function eventResults(db: Db, user: AuthUser, eventId: string) {
  const row = await visibleEvent(db, user, eventId);
  if (!resultsVisible(row.status, row.results_visibility)) {
    throw problems.invalidTransition(
      row.status === 'cancelled'
        ? `Event ${row.id} was cancelled; it has no results.`
        : `The results of event ${row.id} are not visible yet: they are shown ${row.results_visibility === 'live' ? 'once it opens' : 'when it closes'} (${row.closes_at instanceof Date ? row.closes_at.toISOString() : row.closes_at}).`,
    );
  }
  return { eventId: row.id, type: row.type, status: row.status, results: await visibleResults(db, row) };
}

/** Records paper / offline results, checked by the type's rules, once the event has opened. */
export async function addOfflineResults(db: Db, user: AuthUser, eventId: string, body: { results: unknown; note?: string | null }) {
  const row = await organisedEvent(db, user, eventId);
  if (!['open', 'closed', 'results_published'].includes(row.status)) {
    throw problems.invalidTransition(`Offline results can be added once the event has opened; event ${row.id} is ${row.status}.`);
  }
  const check = participationType(row.type).offline;
  if (!check) throw problems.unprocessable(`Events of type ${row.type} take no offline results.`);
  const issues = await check(db, row, body.results);
  if (issues.length > 0) throw problems.unprocessable(`The offline results cannot be recorded: ${issues.join('; ')}.`);
  const [rec] = await db('participation_offline_results')
    .insert({ event_id: row.id, payload: JSON.stringify(body.results), note: body.note ?? null, recorded_by: user.id })
    .returning(['id', 'recorded_at']);
  await refreshPublishedResults(db, row.id);
  const fresh = (await loadEventRow(db, row.id)) as EventRow;
  return { id: Number(rec.id), recordedAt: new Date(rec.recorded_at).toISOString(), results: await visibleResults(db, fresh) };
}

/** Published results are a snapshot: offline results recorded afterwards refresh it. */
async function refreshPublishedResults(db: Db, eventId: string): Promise<void> {
  const row = await loadEventRow(db, eventId);
  if (!row || row.status !== 'results_published') return;
  const compute = participationType(row.type).results;
  if (!compute) return;
  const results = await compute(db, eventId);
  await db('participation_events').where({ id: eventId, status: 'results_published' }).update({ results: JSON.stringify(results) });
}
