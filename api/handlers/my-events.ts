// The citizen's side of participation events: the published events with how the citizen stands towards
// each (in its audience or why not, responded or not), for the web app's list and event page. A thin read
// over the events core (api/temporal/participation.ts) and the audience rule (audienceExclusion).
import type { Db } from '../../db/connection';
import { audienceExclusion } from '../../workflows/participation/lifecycle';
import type { AuthUser } from '../auth';
import type { Handlers } from '../routes';
import { hasParticipated, listEvents, personOf, toEvent, visibleEvent, type EventFilters } from '../temporal/participation';

type ShownEvent = ReturnType<typeof toEvent>;
type Person = Awaited<ReturnType<typeof personOf>>;

async function withStanding(db: Db, user: AuthUser, person: Person, event: ShownEvent) {
  const exclusion = audienceExclusion(event.audience, person, new Date().toISOString());
  return {
    ...event,
    standing: {
      inAudience: exclusion === null,
      reason: exclusion?.reason ?? null,
      minAge: event.audience.minAge,
      participated: await hasParticipated(db, event, user.id),
    },
  };
}

export const myEventHandlers = {
  async listMyEvents({ input, user, deps }) {
    const { limit, cursor, ...filters } = input.query;
    const page = await listEvents(deps.db, user, filters as EventFilters, { limit: limit ?? 20, cursor });
    const person = await personOf(deps.db, user.id);
    const items = await Promise.all(page.items.map((e) => withStanding(deps.db, user, person, e)));
    return { status: 200, body: { items, nextCursor: page.nextCursor } };
  },

  async getMyEvent({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    return { status: 200, body: await withStanding(deps.db, user, await personOf(deps.db, user.id), toEvent(row)) };
  },
} satisfies Partial<Handlers>;
