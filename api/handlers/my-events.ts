// The citizen's side of participation events for the web app's list and event page: published events
// with how the citizen stands towards each (domain/participation/standing.ts).
import type { EventFilters } from '../../domain/participation/lists';
import { eventsWithStanding, eventWithStanding } from '../../domain/participation/standing';
import type { Handlers } from '../routes';

export const myEventHandlers = {
  async listMyEvents({ input, user, deps }) {
    const { limit, cursor, ...filters } = input.query;
    return { status: 200, body: await eventsWithStanding(deps.db, user, filters as EventFilters, { limit: limit ?? 20, cursor }) };
  },

  async getMyEvent({ input, user, deps }) {
    return { status: 200, body: await eventWithStanding(deps.db, user, input.params.eventId) };
  },
} satisfies Partial<Handlers>;
