// One incident: the post (text, author, link), where it went and why, its term; then the public reply
// with its address, or the dismissal with a reason, for whoever the API lets act. The API's field
// problems stand next to their fields in Russian.
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { TextArea } from '../../components/Field';
import { Button, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { FailureNotice, Input, RegionDate } from '../components';
import { failure, idempotencyKey, useLoad, type Failure } from '../data';
import { useMe } from '../useMe';
import { IncidentState, type Incident } from './IncidentsScreen';

const V = T.console.incidents;

export function IncidentScreen({ incidentId }: { incidentId: string }) {
  const me = useMe();
  const loaded = useLoad(() => call(() => api.GET('/incidents/{incidentId}', { params: { path: { incidentId } } })), [incidentId]);
  if (loaded.error) return <Notice kind="error">{loaded.error}</Notice>;
  const i = loaded.data;
  if (!i || !me) return <Loading />;
  const open = i.status === 'registered';
  return (
    <article class="case console-case" aria-labelledby="incident-title">
      <p><a href={href('/incidents')}>← {V.back}</a></p>
      <h1 id="incident-title">{i.id}</h1>
      <p class="badges" data-testid="incident-status"><IncidentState i={i} /></p>
      <dl class="facts">
        <dt>{V.network}</dt><dd>{i.network}</dd>
        <dt>{V.author}</dt><dd>{i.authorHandle}</dd>
        <dt>{V.foundAt}</dt><dd><RegionDate iso={i.foundAt} regionId={i.regionId} withTime /></dd>
        <dt>{V.dueAt}</dt><dd>{i.answerDueAt ? <RegionDate iso={i.answerDueAt} regionId={i.regionId} withTime /> : '—'}</dd>
        {i.routing && <><dt>{V.routing}</dt><dd class="cell-text">{i.routing}</dd></>}
      </dl>
      <h2>{V.post}</h2>
      <p class="prose" data-testid="incident-text">{i.text}</p>
      <p><a href={i.postUrl} target="_blank" rel="noopener noreferrer">{V.openPost}</a> · {V.reports(i.reports)}</p>
      {i.reply && (
        <section aria-labelledby="incident-reply-title">
          <h2 id="incident-reply-title">{V.replied}</h2>
          <p class="prose">{i.reply.text}</p>
          <p><a href={i.reply.url} target="_blank" rel="noopener noreferrer" data-testid="reply-url">{i.reply.url}</a></p>
        </section>
      )}
      {i.dismissal && <Notice kind="info"><p>{V.dismissed}: {i.dismissal.reason}</p></Notice>}
      {open && me.role !== 'supervisor' && <ReplyForm i={i} onDone={loaded.set} />}
      {open && <DismissForm i={i} onDone={loaded.set} />}
    </article>
  );
}

/** One action on the incident: sent under one Idempotency-Key per form, the result shown, a refusal kept for the form. */
function useIncidentAction(onDone: (i: Incident) => void, send: (key: string) => Promise<Incident>) {
  const [key] = useState(idempotencyKey);
  const [fail, setFail] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true); setFail(null);
    try { onDone(await send(key)); } catch (e) { setFail(failure(e)); } finally { setBusy(false); }
  };
  return { fail, busy, submit };
}

function ReplyForm({ i, onDone }: { i: Incident; onDone: (i: Incident) => void }) {
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const { fail, busy, submit } = useIncidentAction(onDone, (key) => call(() => api.POST('/incidents/{incidentId}/reply', {
    params: { path: { incidentId: i.id }, header: { 'Idempotency-Key': key } }, body: { text: text.trim(), replyUrl: url.trim() },
  })));
  return (
    <form class="card" aria-labelledby="incident-reply-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="incident-reply-form">{V.reply}</h2>
      <p class="hint">{V.replyRule}</p>
      <TextArea id="incident-reply-text" label={V.replyText} value={text} onInput={setText} required rows={5} maxLength={20000} error={fail?.fields['/text']} />
      <Input id="incident-reply-url" type="url" label={V.replyUrl} hint={V.replyUrlHint} value={url} onInput={setUrl} required error={fail?.fields['/replyUrl']} />
      <FailureNotice failure={fail} />
      <div class="actions"><Button type="submit" busy={busy}>{V.replySubmit}</Button></div>
    </form>
  );
}

function DismissForm({ i, onDone }: { i: Incident; onDone: (i: Incident) => void }) {
  const [reason, setReason] = useState('');
  const { fail, busy, submit } = useIncidentAction(onDone, (key) => call(() => api.POST('/incidents/{incidentId}/dismissal', {
    params: { path: { incidentId: i.id }, header: { 'Idempotency-Key': key } }, body: { reason: reason.trim() },
  })));
  return (
    <form class="card" aria-labelledby="incident-dismiss-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="incident-dismiss-form">{V.dismiss}</h2>
      <p class="hint">{V.dismissRule}</p>
      <Input id="incident-dismiss-reason" label={V.dismissReason} value={reason} onInput={setReason} required error={fail?.fields['/reason']} />
      <FailureNotice failure={fail} />
      <div class="actions"><Button type="submit" kind="secondary" busy={busy}>{V.dismissSubmit}</Button></div>
    </form>
  );
}
