import type { components } from '../../openapi/types';
import type { Db } from '../../db/connection';
import type { AuthUser } from '../../domain/identity/users';
import { HttpProblem, PROBLEM } from '../../domain/problem';
import type { Handlers } from '../routes';
import { specJson } from '../../openapi/spec';

type User = components['schemas']['User'];
type Health = components['schemas']['Health'];

/** The user as the API shows it, with the citizen's territory and date of birth (used for eligibility). */
async function profileOf(db: Db, user: AuthUser): Promise<User> {
  const row = await db('users').where({ id: user.id }).first('territory_id', db.raw(`to_char(birth_date, 'YYYY-MM-DD') as birth_date`));
  return {
    id: user.id, role: user.role, name: user.name, email: user.email, organisationId: user.organisationId, regionId: user.regionId,
    territoryId: row?.territory_id ?? null, birthDate: row?.birth_date ?? null,
  };
}

export const serviceHandlers = {
  async getHealth({ deps }) {
    let database: Health['database'] = 'ok';
    try {
      await Promise.race([
        deps.db.raw('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
    } catch {
      database = 'unavailable';
    }
    const body: Health = { status: database === 'ok' ? 'ok' : 'degraded', database };
    return { status: database === 'ok' ? 200 : 503, body };
  },

  async getOpenApi() {
    return { status: 200, body: specJson() };
  },

  async getMe({ deps, user }) {
    return { status: 200, body: await profileOf(deps.db, user) };
  },

  async updateMe({ deps, user, input }) {
    const update = input.body;
    const changes: Record<string, unknown> = {};
    if (update.territoryId !== undefined) {
      if (update.territoryId !== null && !(await deps.db('territories').where({ id: update.territoryId }).first('id'))) {
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
    await deps.db('users').where({ id: user.id }).update(changes);
    return { status: 200, body: await profileOf(deps.db, user) };
  },
} satisfies Partial<Handlers>;
