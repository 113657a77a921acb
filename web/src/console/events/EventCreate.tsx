// A new event, in draft: its type, organiser, title and description, its schedule in the region's time
// zone, its audience (territories of the region, a minimum age), anonymity and live results, and the
// type's settings (PollEditor, VoteEditor, DiscussionEditor, HearingEditor). The API's field problems
// stand next to their fields in Russian.
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { useTimeZone } from '../../cases/regions';
import { TextArea } from '../../components/Field';
import { Button } from '../../components/ui';
import { navigate } from '../../router';
import { T } from '../../text';
import { FailureNotice, Input, Select } from '../components';
import { failure, idempotencyKey, useLoad, useOrganisations, type Failure } from '../data';
import type { Me } from '../session';
import { DiscussionEditor, HearingEditor } from './DraftEditor';
import { Check } from './ListEditor';
import { PollEditor } from './PollEditor';
import { EMPTY_EVENT, eventCreate, type EventForm } from './settings';
import { VoteEditor } from './VoteEditor';

const V = T.console.events;
const E = V.editor;

export function EventCreate({ me, onCancel }: { me: Me; onCancel: () => void }) {
  const [f, setF] = useState<EventForm>({ ...EMPTY_EVENT, organisationId: me.organisationId ?? '' });
  const [key] = useState(idempotencyKey);
  const [fail, setFail] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  // All organisations: an administrator chooses the organiser among them, and the organiser's region gives the zone.
  const orgs = useOrganisations('');
  const regionId = me.regionId ?? orgs.find((o) => o.id === f.organisationId)?.regionId;
  const zone = useTimeZone(regionId ?? undefined);
  const set = <K extends keyof EventForm>(k: K) => (v: EventForm[K]) => setF({ ...f, [k]: v });
  const error = (pointer: string) => fail?.fields[pointer];
  const submit = async () => {
    if (!zone) return;
    setBusy(true); setFail(null);
    try {
      const created = await call(() => api.POST('/events', { params: { header: { 'Idempotency-Key': key } }, body: eventCreate(f, zone) }));
      navigate(`/events/${encodeURIComponent(created.id)}`);
    } catch (e) { setFail(failure(e)); } finally { setBusy(false); }
  };
  const when = (k: 'opensAt' | 'closesAt', label: string) =>
    <Input id={`event-${k}`} type="datetime-local" step={1} label={label} value={f[k]} onInput={set(k)} required error={error(`/schedule/${k}`)} />;
  return (
    <form class="card event-editor" aria-labelledby="event-create-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="event-create-title">{V.create}</h2>
      <Select id="event-type" label={V.type} value={f.type} onChange={(v) => set('type')(v as EventForm['type'])} options={Object.entries(V.types)} />
      {!me.organisationId && <Select id="event-org" label={V.organisation} value={f.organisationId} onChange={set('organisationId')} required error={error('/organisationId')}
        options={[['', T.console.actions.chooseOrganisation], ...orgs.map((o): [string, string] => [o.id, `${o.name} (${o.id})`])]} />}
      <Input id="event-title" label={V.name} value={f.title} onInput={set('title')} required error={error('/title')} />
      <TextArea id="event-description" label={f.type === 'hearing' ? E.announcement : V.description} hint={f.type === 'hearing' ? E.announcementHint : undefined}
        value={f.description} onInput={set('description')} rows={4} maxLength={10000} error={error('/description')} />
      <fieldset class="group">
        <legend>{E.schedule}</legend>
        <p class="hint" id="event-zone">{zone ? E.zoneHint(zone) : E.zoneUnknown}</p>
        <div class="inline-form">{when('opensAt', f.type === 'hearing' ? E.proposalsFrom : V.opensAt)}{when('closesAt', f.type === 'hearing' ? E.proposalsTo : V.closesAt)}</div>
        {(f.type === 'poll' || f.type === 'vote') && <Check id="event-live" label={E.liveResults} hint={E.liveResultsHint} checked={f.liveResults} onChange={set('liveResults')} />}
        <Check id="event-anonymous" label={E.anonymous} hint={E.anonymousHint} checked={f.anonymous} onChange={set('anonymous')} />
      </fieldset>
      <Audience regionId={regionId ?? undefined} f={f} setF={setF} error={error} />
      {f.type === 'poll' && <PollEditor questions={f.questions} onChange={set('questions')} error={error} />}
      {f.type === 'vote' && <VoteEditor v={f.vote} onChange={set('vote')} error={error} />}
      {f.type === 'discussion' && <DiscussionEditor d={f.discussion} onChange={set('discussion')} error={error} />}
      {f.type === 'hearing' && <HearingEditor h={f.hearing} onChange={set('hearing')} error={error} />}
      <FailureNotice failure={fail} />
      <div class="actions"><Button type="submit" busy={busy} disabled={!zone}>{V.createSubmit}</Button><Button kind="secondary" onClick={onCancel}>{T.console.cancel}</Button></div>
    </form>
  );
}

/** Who may take part: residents of the chosen territories (all when none is chosen), of at least an age. */
function Audience({ regionId, f, setF, error }: { regionId: string | undefined; f: EventForm; setF: (f: EventForm) => void; error: (p: string) => string | undefined }) {
  const territories = useLoad(async () => (regionId ? (await call(() => api.GET('/regions/{regionId}/territories', { params: { path: { regionId } } }))).items : []), [regionId]);
  const depth = (id: string | null, n = 0): number => {
    const t = territories.data?.find((x) => x.id === id);
    return t?.parentId ? depth(t.parentId, n + 1) : n;
  };
  const toggle = (id: string, on: boolean) => setF({ ...f, territoryIds: on ? [...f.territoryIds, id] : f.territoryIds.filter((x) => x !== id) });
  const listed = (territories.data ?? []).filter((t) => t.kind !== 'region');
  return (
    <fieldset class="group">
      <legend>{E.audience}</legend>
      <p class="hint">{E.audienceHint}</p>
      {listed.length > 0 && (
        <fieldset class="territory-list" aria-describedby={error('/audience/territoryIds') ? 'event-territories-error' : undefined}>
          <legend>{E.territories}</legend>
          {listed.map((t) => (
            <div class="check" style={{ paddingLeft: `${depth(t.id) * 1.25}rem` }}>
              <input id={`territory-${t.id}`} type="checkbox" checked={f.territoryIds.includes(t.id)} onChange={(e) => toggle(t.id, (e.currentTarget as HTMLInputElement).checked)} />
              <label for={`territory-${t.id}`}>{t.name}</label>
            </div>
          ))}
          {error('/audience/territoryIds') && <p class="error" id="event-territories-error">{error('/audience/territoryIds')}</p>}
        </fieldset>
      )}
      <Input id="event-min-age" type="number" min={0} max={150} label={E.minAge} hint={E.minAgeHint} value={f.minAge} onInput={(minAge) => setF({ ...f, minAge })} error={error('/audience/minAge')} />
    </fieldset>
  );
}
