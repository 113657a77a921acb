// Who takes part in an event: eligibility (audience, age), the anonymous key of a participant, whether
// they have taken part. Used by the events core and by every type's own operations (proposals,
// projects, registrations), so it knows nothing of types.
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import { ineligibility, type Audience } from '../../workflows/participation/lifecycle';
import type { EventRow } from './read-model';

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
