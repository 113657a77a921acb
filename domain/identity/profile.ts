// A user's own profile: who they are, and the citizen's territory and date of birth (which decide
// eligibility for participation events).
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import { HttpProblem, PROBLEM } from '../problem';
import type { AuthUser } from './users';

type User = components['schemas']['User'];
type ProfileUpdate = components['schemas']['ProfileUpdate'];

/** The user as the API shows it, with the citizen's territory and date of birth (used for eligibility). */
export async function profileOf(db: Db, user: AuthUser): Promise<User> {
  const row = await db('users').where({ id: user.id }).first('territory_id', db.raw(`to_char(birth_date, 'YYYY-MM-DD') as birth_date`));
  return {
    id: user.id, role: user.role, name: user.name, email: user.email, organisationId: user.organisationId, regionId: user.regionId,
    territoryId: row?.territory_id ?? null, birthDate: row?.birth_date ?? null,
  };
}

/** Changes the citizen's territory and date of birth (checked: an existing territory, a date from 1900 to today). */
export async function updateProfile(db: Db, user: AuthUser, update: ProfileUpdate): Promise<User> {
  const changes: Record<string, unknown> = {};
  if (update.territoryId !== undefined) {
    if (update.territoryId !== null && !(await db('territories').where({ id: update.territoryId }).first('id'))) {
      throw new HttpProblem({
        status: 400, type: PROBLEM.validation, title: 'Invalid request', detail: `territory ${update.territoryId} does not exist`,
        errors: [{ in: 'body', path: '/territoryId', message: 'unknown territory' }],
      });
    }
    changes.territory_id = update.territoryId;
  }
  if (update.birthDate !== undefined) {
    if (update.birthDate !== null && (Date.parse(update.birthDate) > Date.now() || update.birthDate < '1900-01-01')) {
      throw new HttpProblem({
        status: 400, type: PROBLEM.validation, title: 'Invalid request', detail: 'birthDate must be between 1900-01-01 and today',
        errors: [{ in: 'body', path: '/birthDate', message: 'out of range' }],
      });
    }
    changes.birth_date = update.birthDate;
  }
  await db('users').where({ id: user.id }).update(changes);
  return profileOf(db, user);
}
