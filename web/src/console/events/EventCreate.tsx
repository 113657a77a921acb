// A new event, in draft: its type, organiser, title and schedule, and the type's essentials (a poll's
// question and options, a vote's projects, a discussion's draft, a hearing's date and place).
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { TextArea } from '../../components/Field';
import { Button } from '../../components/ui';
import { navigate } from '../../router';
import { T } from '../../text';
import { FailureNotice, Input, Select } from '../components';
import { failure, idempotencyKey, useOrganisations, type Failure } from '../data';
import type { Me } from '../session';
import { EMPTY_EVENT, eventCreate, type EventForm } from './settings';

const V = T.console.events;

export function EventCreate({ me, onCancel }: { me: Me; onCancel: () => void }) {
  const [f, setF] = useState<EventForm>({ ...EMPTY_EVENT, organisationId: me.organisationId ?? '' });
  const [key] = useState(idempotencyKey);
  const [fail, setFail] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const orgs = useOrganisations(me.organisationId ? undefined : '');
  const set = (k: keyof EventForm) => (v: string) => setF({ ...f, [k]: v });
  const submit = async () => {
    setBusy(true); setFail(null);
    try {
      const created = await call(() => api.POST('/events', { params: { header: { 'Idempotency-Key': key } }, body: eventCreate(f) }));
      navigate(`/events/${encodeURIComponent(created.id)}`);
    } catch (e) { setFail(failure(e)); } finally { setBusy(false); }
  };
  const when = (id: keyof EventForm, label: string) => <Input id={`event-${id}`} type="datetime-local" step={1} label={label} value={f[id]} onInput={set(id)} required />;
  return (
    <form class="card" aria-labelledby="event-create-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="event-create-title">{V.create}</h2>
      <Select id="event-type" label={V.type} value={f.type} onChange={set('type')} options={Object.entries(V.types)} />
      {!me.organisationId && <Select id="event-org" label={V.organisation} value={f.organisationId} onChange={set('organisationId')} required
        options={[['', T.console.actions.chooseOrganisation], ...orgs.map((o): [string, string] => [o.id, `${o.name} (${o.id})`])]} />}
      <Input id="event-title" label={V.name} value={f.title} onInput={set('title')} required />
      <TextArea id="event-description" label={V.description} value={f.description} onInput={set('description')} rows={3} maxLength={10000} />
      <p class="hint">{V.scheduleHint}</p>
      {when('opensAt', V.opensAt)}
      {when('closesAt', V.closesAt)}
      {f.type === 'poll' && <Input id="event-question" label={V.question} value={f.question} onInput={set('question')} required />}
      {(f.type === 'poll' || f.type === 'vote') && <TextArea id="event-lines" label={f.type === 'poll' ? V.options : V.projects} value={f.lines} onInput={set('lines')} required rows={4} />}
      {f.type === 'discussion' && <>
        <TextArea id="event-draft" label={V.draftText} value={f.draftText} onInput={set('draftText')} required rows={8} />
        <Input id="event-answer-days" type="number" min={1} max={366} label={V.answerTermDays} value={f.answerTermDays} onInput={set('answerTermDays')} required />
      </>}
      {f.type === 'hearing' && <>
        {when('hearingAt', V.hearingAt)}
        <Input id="event-place" label={V.place} value={f.place} onInput={set('place')} required />
        <Input id="event-subject" label={V.subject} value={f.subject} onInput={set('subject')} required />
      </>}
      <div class="actions"><Button type="submit" busy={busy}>{V.createSubmit}</Button><Button kind="secondary" onClick={onCancel}>{T.console.cancel}</Button></div>
      <FailureNotice failure={fail} />
    </form>
  );
}
