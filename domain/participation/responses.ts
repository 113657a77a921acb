// Taking part in an event: one response per person, checked by the type's rules (its manifest).
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { problems, type HttpProblem } from '../problem';
import { eligibilityProblem, participantKey } from './participants';
import { iso, loadEventRow, type EventRow } from './read-model';
import { participationType } from './registry';

function alreadyTakenPart(): HttpProblem {
  return problems.conflict('You have already taken part in this event. One response per person is accepted, and it cannot be changed or sent again.');
}

function notOpen(row: EventRow): HttpProblem {
  const why: Record<string, string> = {
    draft: 'is not published yet', scheduled: `opens at ${iso(row.opens_at)}`, closed: 'has closed', results_published: 'has closed',
    cancelled: 'was cancelled',
  };
  return problems.invalidTransition(`Event ${row.id} is not open for responses: it ${why[row.status] ?? `is ${row.status}`}.`);
}

/**
 * Records one person's response: the event must be open, the person eligible, the payload valid for the
 * type. The insert itself checks that the event is open and that the person has not answered (unique
 * (event_id, participant_key)): a second response changes nothing and answers 409.
 */
export async function submitResponse(db: Db, row: EventRow, user: AuthUser, body: Record<string, unknown>): Promise<{ id: number; submittedAt: string }> {
  if (row.status !== 'open' || Date.now() >= new Date(row.closes_at).getTime()) throw notOpen(row);
  const ineligible = await eligibilityProblem(db, row, user.id);
  if (ineligible) throw problems.forbidden(`You cannot take part in this event: ${ineligible}.`);
  const check = participationType(row.type).response;
  if (!check) throw problems.unprocessable(`Events of type ${row.type} take no responses here.`);
  const key = await participantKey(db, row, user.id);
  // A repeat is told so whatever it contains; the insert below still decides races (unique constraint).
  if (await db('participation_responses').where({ event_id: row.id, participant_key: key }).first('id')) throw alreadyTakenPart();
  const r = await check(db, row, body);
  if (r.problems.length > 0) throw problems.unprocessable(`The response cannot be accepted: ${r.problems.join('; ')}.`);
  const inserted = await db.raw(
    `insert into participation_responses (event_id, participant_key, payload)
     select ?, ?, ?::jsonb where exists (select 1 from participation_events where id = ? and status = 'open' and closes_at > now())
     on conflict (event_id, participant_key) do nothing
     returning id, created_at`,
    [row.id, key, JSON.stringify(r.payload ?? body), row.id],
  );
  if (inserted.rows.length === 1) return { id: Number(inserted.rows[0].id), submittedAt: iso(inserted.rows[0].created_at) as string };
  if (await db('participation_responses').where({ event_id: row.id, participant_key: key }).first('id')) {
    throw alreadyTakenPart();
  }
  throw notOpen((await loadEventRow(db, row.id)) ?? row);
}

/** Number of online responses and of offline respondents recorded, per event. */
export async function responseCount(db: Db, eventId: string): Promise<number> {
  const [{ n }] = await db('participation_responses').where({ event_id: eventId }).count<{ n: string }[]>('* as n');
  return Number(n);
}

