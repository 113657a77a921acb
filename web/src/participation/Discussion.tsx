// A discussion of a draft: its numbered points, each with the published proposals and comments (and the
// citizen's own, with their moderation state and the organisation's answer), a form to add one while the
// discussion is open to the citizen, and the summary once published.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type Schemas } from '../api';
import { TextArea } from '../components/Field';
import { Badge, Button, Loading, Notice } from '../components/ui';
import { T } from '../text';
import { refusalText } from './common';
import type { DraftPoint, MyEvent, Proposal } from './model';

const D = T.participation.discussion;

export function useProposals(eventId: string): [Proposal[] | null, () => void] {
  const [items, setItems] = useState<Proposal[] | null>(null);
  const load = () => call(() => api.GET('/events/{eventId}/proposals', { params: { path: { eventId }, query: { limit: 100 } } }))
    .then((r) => setItems(r.items), () => setItems([]));
  useEffect(() => { void load(); }, [eventId]);
  return [items, () => void load()];
}

export function Discussion({ e }: { e: MyEvent; zone: string }) {
  const [draft, setDraft] = useState<Schemas['DiscussionDraft'] | null>(null);
  const [proposals, reload] = useProposals(e.id);
  const [summary, setSummary] = useState<Schemas['DiscussionSummary'] | null>(null);
  useEffect(() => {
    call(() => api.GET('/events/{eventId}/points', { params: { path: { eventId: e.id } } })).then(setDraft, () => undefined);
    if (e.status === 'results_published') {
      call(() => api.GET('/events/{eventId}/summary', { params: { path: { eventId: e.id } } })).then(setSummary, () => undefined);
    }
  }, [e.id, e.status]);
  if (!draft || !proposals) return <Loading />;
  const mayPropose = e.status === 'open' && e.standing.inAudience;
  return (
    <>
      {summary && (
        <section class="card" aria-labelledby="summary-title">
          <h2 id="summary-title">{D.summary}</h2>
          <p class="prose">{summary.summary}</p>
        </section>
      )}
      <section aria-labelledby="draft-title">
        <h2 id="draft-title">{D.draft}</h2>
        <p class="hint">{D.version(draft.version)}</p>
        {draft.points.map((p) => (
          <PointView key={p.number} eventId={e.id} point={p} proposals={proposals.filter((x) => x.pointNumber === p.number)}
            mayPropose={mayPropose} onSent={reload} />
        ))}
      </section>
    </>
  );
}

/** The draft's own numbering ("2.3"), or for a point without one (a preamble) its place in the text. */
const pointTitle = (p: DraftPoint) => (p.label ? D.point(p.label.replace(/\.$/, '')) : D.fragment(p.number));

function PointView({ eventId, point, proposals, mayPropose, onSent }: {
  eventId: string; point: DraftPoint; proposals: Proposal[]; mayPropose: boolean; onSent: () => void;
}) {
  const id = `point-${point.number}`;
  return (
    <section class="point" aria-labelledby={id}>
      <h3 id={id}>{pointTitle(point)}</h3>
      <p class="prose">{point.text}</p>
      {proposals.length > 0 && (
        <ul class="proposals" aria-label={`${D.proposals}: ${pointTitle(point)}`}>
          {proposals.map((x) => <ProposalItem key={x.id} x={x} />)}
        </ul>
      )}
      {mayPropose && (
        <details class="propose">
          <summary>{D.add(pointTitle(point))}</summary>
          <ProposalForm eventId={eventId} pointNumber={point.number} idPrefix={id} onSent={onSent} />
        </details>
      )}
    </section>
  );
}

export function ProposalItem({ x }: { x: Proposal }) {
  return (
    <li class="proposal">
      <p class="badges">
        <Badge tone="info">{D.kind[x.kind]}</Badge>
        {x.mine && <Badge tone="neutral">{D.mine}</Badge>}
        {x.status === 'pending' && <Badge tone="warning">{D.pending}</Badge>}
        {x.status === 'rejected' && <Badge tone="warning">{D.rejected}</Badge>}
        {x.answer && <Badge tone={x.answer === 'rejected' ? 'neutral' : 'success'}>{D.answer[x.answer]}</Badge>}
      </p>
      <p class="prose">{x.text}</p>
      {x.answerReason && <p class="quote"><strong>{D.answerReason}:</strong> {x.answerReason}</p>}
    </li>
  );
}

/** A proposal or comment to a point (pointNumber), or a hearing's written proposal (no point, no kind). */
export function ProposalForm({ eventId, pointNumber, idPrefix, onSent, label }: {
  eventId: string; pointNumber?: number; idPrefix: string; onSent: () => void; label?: string;
}) {
  const [kind, setKind] = useState<'proposal' | 'comment'>('proposal');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const send = async (ev: Event) => {
    ev.preventDefault();
    if (!text.trim()) return setError(T.fieldErrors.required);
    setBusy(true);
    try {
      const body = pointNumber === undefined ? { kind: 'proposal' as const, text: text.trim() } : { pointNumber, kind, text: text.trim() };
      await call(() => api.POST('/events/{eventId}/proposals', { params: { path: { eventId } }, body }));
      setSent(true);
      setText('');
      onSent();
    } catch (err) {
      setRefusal(refusalText(err));
    } finally {
      setBusy(false);
    }
  };
  if (sent) return <Notice kind="success">{pointNumber === undefined ? T.participation.hearing.proposalSent : D.sent}</Notice>;
  return (
    <form class="form" onSubmit={send} noValidate>
      {pointNumber !== undefined && (
        <fieldset class="group">
          <legend>{D.kindLegend}</legend>
          {(['proposal', 'comment'] as const).map((k) => (
            <div class="choice" key={k}>
              <input id={`${idPrefix}-${k}`} type="radio" name={`${idPrefix}-kind`} checked={kind === k} onChange={() => setKind(k)} />
              <label for={`${idPrefix}-${k}`}>{D.kind[k]}</label>
            </div>
          ))}
        </fieldset>
      )}
      <TextArea id={`${idPrefix}-text`} label={label ?? D.text} value={text} required rows={4} maxLength={10000} error={error}
        onInput={(v) => { setText(v); setError(undefined); }} />
      {refusal && <Notice kind="error">{refusal}</Notice>}
      <div class="actions"><Button type="submit" busy={busy}>{D.submit}</Button></div>
    </form>
  );
}
