import type { components } from '../../openapi/types';
import { profileOf, updateProfile } from '../../domain/identity/profile';
import type { Handlers } from '../routes';
import { specJson } from '../../openapi/spec';

type Health = components['schemas']['Health'];

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
    return { status: 200, body: await updateProfile(deps.db, user, input.body) };
  },
} satisfies Partial<Handlers>;
