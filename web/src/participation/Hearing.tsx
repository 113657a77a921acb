// A public hearing: the announcement (subject, place, time, the window for written proposals), the
// registration of participants before the hearing, written proposals while the window is open, and the
// protocol and conclusion once published.
import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api';
import { TextInput } from '../components/Field';
import { Button, DateText, Loading, Notice } from '../components/ui';
import { T } from '../text';
import { refusalText } from './common';
import { ProposalForm, ProposalItem, useProposals } from './Discussion';
import type { Hearing, MyEvent } from './model';
import { counted } from './words';

const H = T.participation.hearing;

export function HearingView({ e, zone }: { e: MyEvent; zone: string }) {
  const [hearing, setHearing] = useState<Hearing | null>(null);
  const [proposals, reloadProposals] = useProposals(e.id);
  const load = () => call(() => api.GET('/events/{eventId}/hearing', { params: { path: { eventId: e.id } } })).then(setHearing, () => undefined);
  useEffect(() => { void load(); }, [e.id]);
  if (!hearing || !proposals) return <Loading />;
  const a = hearing.announcement;
  const before = !hearing.hearingHeld && Date.now() < Date.parse(a.hearingAt) && ['scheduled', 'open', 'closed'].includes(e.status);
  return (
    <>
      <section class="card" aria-labelledby="announcement-title">
        <h2 id="announcement-title">{H.announcement}</h2>
        <dl class="facts">
          <dt>{H.subject}</dt><dd>{a.subject}</dd>
          <dt>{H.when}</dt><dd><DateText iso={a.hearingAt} timeZone={zone} withTime /></dd>
          <dt>{H.place}</dt><dd>{a.place}</dd>
          <dt>{H.window}</dt>
          <dd>{H.windowRange(
            new Intl.DateTimeFormat('ru-RU', { timeZone: zone, day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(hearing.proposalWindow.opensAt)),
            new Intl.DateTimeFormat('ru-RU', { timeZone: zone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(hearing.proposalWindow.closesAt)),
          )}</dd>
        </dl>
        <p>{H.registrations(counted(hearing.registrations, H.people))}</p>
      </section>
      {hearing.registered
        ? <Notice kind="success">{H.registered}</Notice>
        : before && e.standing.inAudience ? <Registration eventId={e.id} onDone={() => void load()} />
          : !before && e.status !== 'cancelled' && <p class="hint">{H.registrationClosed}</p>}
      {e.status === 'open' && e.standing.inAudience && (
        <section aria-labelledby="hearing-proposal-title">
          <h2 id="hearing-proposal-title">{H.proposal}</h2>
          <ProposalForm eventId={e.id} idPrefix="hearing-proposal" label={H.proposal} onSent={reloadProposals} />
        </section>
      )}
      {proposals.length > 0 && (
        <section aria-labelledby="hearing-proposals-title">
          <h2 id="hearing-proposals-title">{H.proposalsTitle}</h2>
          <ul class="proposals">{proposals.map((x) => <ProposalItem key={x.id} x={x} />)}</ul>
        </section>
      )}
      {hearing.protocol && <Document title={H.protocol} text={hearing.protocol.text} />}
      {hearing.conclusion && <Document title={H.conclusion} text={hearing.conclusion.text} />}
    </>
  );
}

function Document({ title, text }: { title: string; text: string }) {
  return <section class="card"><h2>{title}</h2><p class="prose">{text}</p></section>;
}

function Registration({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const [name, setName] = useState('');
  const [willSpeak, setWillSpeak] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (ev: Event) => {
    ev.preventDefault();
    if (!name.trim()) return setError(T.fieldErrors.required);
    setBusy(true);
    try {
      await call(() => api.POST('/events/{eventId}/registrations', { params: { path: { eventId } }, body: { name: name.trim(), willSpeak } }));
      onDone();
    } catch (err) {
      setRefusal(refusalText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form card" onSubmit={send} noValidate aria-labelledby="register-title">
      <h2 id="register-title">{H.register}</h2>
      <TextInput id="register-name" label={H.name} value={name} required autoComplete="name" maxLength={500} error={error}
        onInput={(v) => { setName(v); setError(undefined); }} />
      <div class="choice">
        <input id="register-speak" type="checkbox" checked={willSpeak} onChange={() => setWillSpeak(!willSpeak)} />
        <label for="register-speak">{H.willSpeak}</label>
      </div>
      {refusal && <Notice kind="error">{refusal}</Notice>}
      <div class="actions"><Button type="submit" busy={busy}>{H.registerSubmit}</Button></div>
    </form>
  );
}
