// One event: its status and schedule; the organiser's lifecycle actions with their rules (publish,
// extend, cancel); moderation and answers to proposals; a hearing's protocol and conclusion; the results
// and the pabulib export; the timeline.
import { useRef, useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { TextArea } from '../../components/Field';
import { Badge, Button, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { FailureNotice, Input, RegionDate } from '../components';
import { failure, idempotencyKey, useLoad, type Failure } from '../data';
import { useMe } from '../useMe';
import { EventResults } from './EventResults';
import { HearingDocuments } from './HearingDocuments';
import { Moderation } from './Moderation';
import { useTimeZone } from '../../cases/regions';
import { zonedInstant, zonedLocal } from './settings';

const V = T.console.events;
type EventDetail = Schemas['EventDetail'];

export function EventScreen({ eventId }: { eventId: string }) {
  const me = useMe();
  const event = useLoad(() => call(() => api.GET('/events/{eventId}', { params: { path: { eventId } } })), [eventId]);
  if (event.error) return <Notice kind="error">{event.error}</Notice>;
  const e = event.data;
  if (!e || !me) return <Loading />;
  const organiser = me.role === 'administrator' || (me.role === 'operator' && me.organisationId === e.organisationId);
  return (
    <article aria-labelledby="event-heading">
      <p><a href={href('/events')}>← {V.title}</a></p>
      <h1 id="event-heading">{e.title}</h1>
      <p class="badges" data-testid="event-status"><Badge tone="info">{V.types[e.type]}</Badge><Badge tone={e.status === 'open' ? 'success' : 'neutral'}>{V.statuses[e.status]}</Badge></p>
      <dl class="facts">
        <dt>{T.console.queue.number}</dt><dd>{e.id}</dd>
        <dt>{V.opensAt}</dt><dd><RegionDate iso={e.schedule.opensAt} regionId={e.regionId} withTime /></dd>
        <dt>{V.closesAt}</dt><dd><RegionDate iso={e.schedule.closesAt} regionId={e.regionId} withTime /></dd>
      </dl>
      {e.description && <p class="prose">{e.description}</p>}
      {organiser && <Lifecycle e={e} onChanged={event.set} />}
      {organiser && <Moderation e={e} />}
      {organiser && e.type === 'hearing' && <HearingDocuments e={e} />}
      <EventResults e={e} />
      <section aria-labelledby="event-timeline-title">
        <h2 id="event-timeline-title">{V.timeline}</h2>
        <ol class="timeline">{e.timeline.map((t) => <li><RegionDate iso={t.at} regionId={e.regionId} withTime /> — {V.eventLog[t.type] ?? t.type}</li>)}</ol>
      </section>
    </article>
  );
}

function Lifecycle({ e, onChanged }: { e: EventDetail; onChanged: (e: EventDetail) => void }) {
  const [open, setOpen] = useState<'extend' | 'cancel' | null>(null);
  const [reason, setReason] = useState('');
  const zone = useTimeZone(e.regionId);
  const [closesAt, setClosesAt] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const path = { eventId: e.id };
  // An answer closes the form it was sent from only: an operator who opened another action while it was
  // on its way keeps that form and what they typed in it.
  const openNow = useRef(open);
  openNow.current = open;
  const run = async (from: 'extend' | 'cancel' | null, request: () => Promise<EventDetail>) => {
    setFail(null);
    try {
      onChanged(await request());
      if (from !== null && openNow.current === from) { setOpen(null); setReason(''); }
    } catch (x) { setFail(failure(x)); }
  };
  const header = () => ({ 'Idempotency-Key': idempotencyKey() });
  const live = e.status === 'scheduled' || e.status === 'open';
  const cancellable = !['results_published', 'cancelled', 'closed'].includes(e.status);
  const notNow = <p class="action__block">{V.notNow(V.statuses[e.status])}</p>;
  return (
    <section class="card" aria-labelledby="lifecycle-title" data-testid="lifecycle">
      <h2 id="lifecycle-title">{T.console.case.actions}</h2>
      <FailureNotice failure={fail} />
      <div class="action"><h3>{V.publish}</h3><p class="hint">{V.publishRule}</p>
        {e.status !== 'draft' ? notNow : <Button onClick={() => void run(null, () => call(() => api.POST('/events/{eventId}/publish', { params: { path, header: header() } })))}>{V.publish}</Button>}</div>
      <div class="action"><h3>{V.extend}</h3><p class="hint">{V.extendRule}</p>
        {!live ? notNow : (open === 'extend' ? (
          <form onSubmit={(x) => { x.preventDefault(); void run('extend', () => call(() => api.POST('/events/{eventId}/extend', { params: { path, header: header() }, body: { closesAt: zonedInstant(closesAt, zone!), reason: reason.trim() } }))); }}>
            <Input id="extend-closes" type="datetime-local" step={1} label={V.newClose} hint={zone && V.zoneHint(zone)} value={closesAt} onInput={setClosesAt} required error={fail?.fields['/closesAt']} />
            <TextArea id="extend-event-reason" label={V.reason} value={reason} onInput={setReason} required rows={2} maxLength={2000} />
            <Button type="submit">{V.extend}</Button>
          </form>) : <Button kind="secondary" disabled={!zone} onClick={() => { setClosesAt(zonedLocal(e.schedule.closesAt, zone!)); setOpen('extend'); }}>{V.extend}</Button>)}</div>
      <div class="action"><h3>{V.cancel}</h3><p class="hint">{V.cancelRule}</p>
        {!cancellable ? notNow : (open === 'cancel' ? (
          <form onSubmit={(x) => { x.preventDefault(); void run('cancel', () => call(() => api.POST('/events/{eventId}/cancel', { params: { path, header: header() }, body: { reason: reason.trim() } }))); }}>
            <TextArea id="cancel-event-reason" label={V.reason} value={reason} onInput={setReason} required rows={2} maxLength={2000} />
            <Button type="submit">{V.cancel}</Button>
          </form>) : <Button kind="secondary" onClick={() => setOpen('cancel')}>{V.cancel}</Button>)}</div>
    </section>
  );
}
