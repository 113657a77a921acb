// The events a citizen may see, grouped as open now, coming and finished; each says whether the citizen
// may take part, has taken part, or why the event is closed to them.
import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api';
import { signedIn, startSignIn } from '../auth';
import { useTimeZone } from '../cases/regions';
import { Button, Loading, Notice } from '../components/ui';
import { errorsOf, FORM } from '../problems';
import { href } from '../router';
import { T } from '../text';
import { EventBadges, EventFacts, StandingLine } from './common';
import { eventPhase, type EventPhase, type MyEvent } from './model';

const P = T.participation;
const PHASES: EventPhase[] = ['open', 'upcoming', 'finished'];

export function EventList() {
  const [items, setItems] = useState<MyEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (after?: string) =>
    call(() => api.GET('/me/events', { params: { query: { limit: 50, cursor: after } } })).then(
      (page) => { setItems((old) => [...(after ? old ?? [] : []), ...page.items]); setCursor(page.nextCursor); },
      (e) => setError(errorsOf(e)[FORM] ?? T.unexpected),
    );
  useEffect(() => { if (signedIn()) void load(); }, []);
  if (!signedIn()) {
    return <section><h1>{P.title}</h1><p>{P.signIn}</p><Button onClick={startSignIn}>{T.nav.signIn}</Button></section>;
  }
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!items) return <Loading />;
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">{P.title}</h1>
      <p>{P.intro}</p>
      {PHASES.map((phase) => {
        const shown = items.filter((e) => eventPhase(e.status) === phase);
        return (
          <section aria-labelledby={`events-${phase}`} key={phase}>
            <h2 id={`events-${phase}`}>{P.sections[phase]}</h2>
            {shown.length === 0 ? <p class="hint">{P.empty[phase]}</p> : (
              <ul class="case-list">{shown.map((e) => <EventRow key={e.id} e={e} />)}</ul>
            )}
          </section>
        );
      })}
      {cursor && <div class="actions"><Button kind="secondary" onClick={() => void load(cursor)}>{P.more}</Button></div>}
    </section>
  );
}

function EventRow({ e }: { e: MyEvent }) {
  const zone = useTimeZone(e.regionId);
  return (
    <li class="case-row event-row">
      <h3 class="event-row__title"><a href={href(`/events/${encodeURIComponent(e.id)}`)}>{e.title}</a></h3>
      <EventBadges e={e} />
      {zone && <EventFacts e={e} zone={zone} />}
      {e.status !== 'cancelled' && <StandingLine s={e.standing} />}
    </li>
  );
}
