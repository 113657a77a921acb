// A hearing's protocol and conclusion, published by the organiser within their terms after the hearing.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { TextArea } from '../../components/Field';
import { Button, Notice } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice } from '../components';
import { failure, type Failure } from '../data';

const V = T.console.events;

export function HearingDocuments({ e }: { e: Schemas['EventDetail'] }) {
  return (
    <>
      <Document eventId={e.id} kind="protocol" title={V.protocol} />
      <Document eventId={e.id} kind="conclusion" title={V.conclusion} />
    </>
  );
}

function Document({ eventId, kind, title }: { eventId: string; kind: 'protocol' | 'conclusion'; title: string }) {
  const [text, setText] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const [done, setDone] = useState(false);
  const submit = () => {
    const request = kind === 'protocol'
      ? call(() => api.POST('/events/{eventId}/protocol', { params: { path: { eventId } }, body: { text: text.trim() } }))
      : call(() => api.POST('/events/{eventId}/conclusion', { params: { path: { eventId } }, body: { text: text.trim() } }));
    return request.then(() => { setDone(true); setFail(null); }, (x) => setFail(failure(x)));
  };
  return (
    <form class="card" aria-labelledby={`${kind}-title`} onSubmit={(x) => { x.preventDefault(); void submit(); }}>
      <h2 id={`${kind}-title`}>{title}</h2>
      <TextArea id={`${kind}-text`} label={V.documentText} value={text} onInput={setText} required rows={6} />
      <Button type="submit">{V.publishDocument}</Button>
      {done && <Notice kind="success">{V.published}</Notice>}
      <FailureNotice failure={fail} />
    </form>
  );
}
