// Participation events (polls, votes, discussions, hearings): the list with status, and a new event in
// draft for operators of the organising organisation and administrators.
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { Badge, Button, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { RegionDate, TableWrap } from '../components';
import { useLoad } from '../data';
import { useMe } from '../useMe';
import { EventCreate } from './EventCreate';

const V = T.console.events;

export function EventsScreen() {
  const me = useMe();
  const events = useLoad(() => call(() => api.GET('/events', { params: { query: me?.organisationId ? { organisationId: me.organisationId } : {} } })), [me]);
  const [creating, setCreating] = useState(false);
  const canCreate = me?.role === 'operator' || me?.role === 'administrator';
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">{V.title}</h1>
      {canCreate && (creating ? <EventCreate me={me!} onCancel={() => setCreating(false)} /> : <Button onClick={() => setCreating(true)}>{V.create}</Button>)}
      {events.error ? <Notice kind="error">{events.error}</Notice> : !events.data ? <Loading /> : events.data.items.length === 0 ? <p class="empty-state">{V.empty}</p> : (
        <TableWrap label={V.title}>
          <table class="table" data-testid="events">
            <thead><tr><th scope="col">{T.console.queue.number}</th><th scope="col">{V.name}</th><th scope="col">{V.type}</th><th scope="col">{T.console.integration.status}</th><th scope="col">{V.closesAt}</th></tr></thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr data-event={e.id}>
                  <td><a href={href(`/events/${encodeURIComponent(e.id)}`)}>{e.id}</a></td><td class="cell-text">{e.title}</td><td>{V.types[e.type]}</td>
                  <td><Badge tone={e.status === 'open' ? 'success' : e.status === 'cancelled' ? 'warning' : 'neutral'}>{V.statuses[e.status]}</Badge></td>
                  <td><RegionDate iso={e.schedule.closesAt} regionId={e.regionId} withTime /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
