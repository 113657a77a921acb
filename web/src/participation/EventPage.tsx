// One event for a citizen: what it is, when, for whom, and where they stand; then taking part in it
// (the poll's questions, the vote's ballot, the draft's points, the hearing's registration) while it is
// open to them, and its results once they are visible.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, call } from '../api';
import { signedIn, startSignIn } from '../auth';
import { useTimeZone } from '../cases/regions';
import { Button, Loading, Notice } from '../components/ui';
import { errorsOf, FORM } from '../problems';
import { href } from '../router';
import { T } from '../text';
import { EventBadges, EventFacts, standingText } from './common';
import { Discussion } from './Discussion';
import { HearingView } from './Hearing';
import type { MyEvent } from './model';
import { PollForm } from './PollForm';
import { EventResults } from './Results';
import { VoteBallot } from './VoteBallot';

const P = T.participation;

export function EventPage({ eventId }: { eventId: string }) {
  const [event, setEvent] = useState<MyEvent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => call(() => api.GET('/me/events/{eventId}', { params: { path: { eventId } } })).then(
    setEvent,
    (e) => setError(e instanceof ApiError && e.status === 404 ? P.notFound : errorsOf(e)[FORM] ?? T.unexpected),
  );
  useEffect(() => { if (signedIn()) void load(); }, [eventId]);
  const zone = useTimeZone(event?.regionId);
  if (!signedIn()) return <section><h1>{P.title}</h1><p>{P.signIn}</p><Button onClick={startSignIn}>{T.nav.signIn}</Button></section>;
  if (error) return <><Notice kind="error">{error}</Notice><p><a href={href('/events')}>{P.back}</a></p></>;
  if (!event || !zone) return <Loading />;
  return (
    <article aria-labelledby="event-title">
      <p><a href={href('/events')}>{P.back}</a></p>
      <h1 id="event-title">{event.title}</h1>
      <EventBadges e={event} />
      {event.description && <p class="prose">{event.description}</p>}
      <EventFacts e={event} zone={zone} />
      {event.status === 'cancelled'
        ? <Notice kind="info">{P.cancelled(event.cancelledReason ?? '')}</Notice>
        : <StandingNotice e={event} />}
      {event.anonymous && (event.type === 'poll' || event.type === 'vote') && <p class="hint">{P.anonymous}</p>}
      <TakingPart e={event} zone={zone} onDone={() => void load()} />
      {event.resultsVisible && (event.type === 'poll' || event.type === 'vote') && <EventResults e={event} />}
    </article>
  );
}

function StandingNotice({ e }: { e: MyEvent }) {
  const s = e.standing;
  if (!s.inAudience) return <Notice kind="info"><p>{standingText(s)}</p></Notice>;
  if (s.participated) return <Notice kind="success"><p>{standingText(s)}</p></Notice>;
  if (e.status === 'scheduled' && (e.type === 'poll' || e.type === 'vote')) return <Notice kind="info"><p>{P.notYetOpen}</p></Notice>;
  if (e.status === 'closed' && (e.type === 'poll' || e.type === 'vote') && !e.resultsVisible) return <Notice kind="info"><p>{P.closedWaiting}</p></Notice>;
  return null;
}

function TakingPart({ e, zone, onDone }: { e: MyEvent; zone: string; onDone: () => void }) {
  const mayRespond = e.status === 'open' && e.standing.inAudience && !e.standing.participated;
  switch (e.type) {
    case 'poll': return mayRespond ? <PollForm e={e} onDone={onDone} /> : null;
    case 'vote': return <VoteBallot e={e} open={mayRespond} onDone={onDone} />;
    case 'discussion': return <Discussion e={e} zone={zone} />;
    case 'hearing': return <HearingView e={e} zone={zone} />;
    default: return null;
  }
}
