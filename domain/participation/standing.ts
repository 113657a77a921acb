// How a citizen stands towards a published event: in its audience or why not (a code the web app words
// in Russian), and whether they have taken part already.
import type { Db } from '../../db/connection';
import { audienceExclusion } from '../../workflows/participation/lifecycle';
import type { AuthUser } from '../identity/users';
import { visibleEvent } from './access';
import { listEvents, type EventFilters } from './lists';
import { toEvent } from './representation';
import { hasParticipated, personOf } from './participants';

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

/** The published events this citizen may see, each with their standing. */
export async function eventsWithStanding(db: Db, user: AuthUser, filters: EventFilters, page: { limit: number; cursor?: string }) {
  const events = await listEvents(db, user, filters, page);
  const person = await personOf(db, user.id);
  return { items: await Promise.all(events.items.map((e) => withStanding(db, user, person, e))), nextCursor: events.nextCursor };
}

/** One event with this citizen's standing (404 when they may not see it). */
export async function eventWithStanding(db: Db, user: AuthUser, eventId: string) {
  const row = await visibleEvent(db, user, eventId);
  return withStanding(db, user, await personOf(db, user.id), toEvent(row));
}
