import type { components } from '../../openapi/types';
import type { Handlers } from '../routes';
import { specJson } from '../spec';

type User = components['schemas']['User'];
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

  async getMe({ user }) {
    const body: User = {
      id: user.id, role: user.role, name: user.name, email: user.email, organisationId: user.organisationId, regionId: user.regionId,
    };
    return { status: 200, body };
  },
} satisfies Partial<Handlers>;
