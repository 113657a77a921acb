// Taking part in an event: eligibility, the anonymous key, one response per person.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import { ineligibility, type Audience } from '../../workflows/participation/lifecycle';
import type { AuthUser } from '../identity/users';
import { problems, type HttpProblem } from '../problem';
import { iso, loadEventRow, type EventRow } from './read-model';
import { participationType } from './registry';

/** The person's territory and its ancestors, nearest first, and date of birth (from users). */
export async function personOf(db: Db, userId: number): Promise<{ territoryPath: string[]; birthDate: string | null }> {
  const user = await db('users').where({ id: userId }).first('territory_id', db.raw(`to_char(birth_date, 'YYYY-MM-DD') as birth_date`));
  if (!user?.territory_id) return { territoryPath: [], birthDate: user?.birth_date ?? null };
  const path = await db.raw(
    `with recursive up(id, parent_id, depth) as (
       select id, parent_id, 0 from territories where id = ?
       union all
       select t.id, t.parent_id, up.depth + 1 from territories t join up on t.id = up.parent_id where up.depth < 50
     ) select id from up order by depth`,
    [user.territory_id],
  );
  return { territoryPath: path.rows.map((r: { id: string }) => r.id), birthDate: user.birth_date ?? null };
}

/** Why the user may not take part now (403), or null. */
export async function eligibilityProblem(db: Db, row: EventRow, userId: number): Promise<string | null> {
  const audience: Audience = { territoryIds: row.audience?.territoryIds ?? [], minAge: row.audience?.minAge ?? null };
  return ineligibility(audience, await personOf(db, userId), new Date().toISOString());
}

/** The per-event salt of anonymous keys, created on first use; it never leaves the server. */
async function eventSalt(db: Db, eventId: string): Promise<string> {
  await db('participation_salts').insert({ event_id: eventId, salt: randomBytes(32).toString('hex') }).onConflict('event_id').ignore();
  return (await db('participation_salts').where({ event_id: eventId }).first('salt')).salt as string;
}

/** Who a response belongs to: the user id, or for an anonymous event HMAC-SHA256(per-event salt, user id). */
export async function participantKey(db: Db, row: Pick<EventRow, 'id' | 'anonymous'>, userId: number): Promise<string> {
  if (!row.anonymous) return String(userId);
  return createHmac('sha256', await eventSalt(db, row.id)).update(String(userId)).digest('hex');
}

export async function hasParticipated(db: Db, row: Pick<EventRow, 'id' | 'anonymous'>, userId: number): Promise<boolean> {
  const key = await participantKey(db, row, userId);
  return !!(await db('participation_responses').where({ event_id: row.id, participant_key: key }).first('id'));
}

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

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
