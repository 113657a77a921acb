// Taking part: the events open to the citizen and one event's page (poll, vote, discussion, hearing).
import { registerRoute } from '../router';
import { T } from '../text';
import { EventList } from './EventList';
import { EventPage } from './EventPage';

export function registerParticipationRoutes(): void {
  registerRoute({ pattern: '/events', render: () => <EventList />, nav: { label: T.participation.nav, order: 30 } });
  registerRoute({ pattern: '/events/:eventId', render: (p) => <EventPage key={p.eventId} eventId={p.eventId} /> });
}
