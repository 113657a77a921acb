// Duplicate appeals on the case page: the open appeals like this one (same subcategory, near or at the
// same address, close in time), to confirm as a group; the case's group with its cases, taking one out,
// and one answer to the whole group with what happened to each case (GET /cases/{caseId}/similar,
// POST /case-groups, POST /case-groups/{groupId}/answer).
import { useState } from 'preact/hooks';
import { api, call, type CaseDetail, type CaseSummary, type Schemas } from '../../api';
import { mainStatus } from '../../cases/status';
import { TextArea } from '../../components/Field';
import { Badge, Button, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { FailureNotice, RegionDate } from '../components';
import { failure, useLoad, type Failure } from '../data';

const S = T.console.similar;
type Group = Schemas['CaseGroup'];
type Outcome = Schemas['CaseGroupAnswerResult']['results'][number];

export function SimilarCases({ c, canAct, onAnswered }: { c: CaseDetail; canAct: boolean; onAnswered: () => void }) {
  const loaded = useLoad(() => call(() => api.GET('/cases/{caseId}/similar', { params: { path: { caseId: c.id } } })), [c.id, c.status, c.updatedAt]);
  const [fail, setFail] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (request: () => Promise<unknown>) => {
    setBusy(true); setFail(null);
    try { await request(); loaded.reload(); return true; } catch (e) { setFail(failure(e)); return false; } finally { setBusy(false); }
  };
  const data = loaded.data;
  return (
    <section class="card" aria-labelledby="similar-title" data-testid="similar-cases">
      <h2 id="similar-title">{S.title}</h2>
      {loaded.error && <Notice kind="error">{loaded.error}</Notice>}
      {!data && !loaded.error && <Loading />}
      <FailureNotice failure={fail} />
      {data?.group && <GroupPanel group={data.group} current={c} canAct={canAct} busy={busy} act={act} onAnswered={onAnswered} />}
      {data && !data.group && (
        <Proposal c={c} similar={data.similar} canAct={canAct} busy={busy}
          confirm={(ids) => act(() => call(() => api.POST('/case-groups', { body: { caseIds: [c.id, ...ids] } })))} />
      )}
      {data && !data.group && <p class="hint">{S.rule(data.rule.distanceMetres, data.rule.periodDays)}</p>}
    </section>
  );
}

/** A case in a list of duplicates: its number (a link), status, address, applicant and date. */
export function CaseLine({ x, regionId }: { x: CaseSummary; regionId: string }) {
  const status = mainStatus(x);
  return (
    <>
      <a href={href(`/cases/${encodeURIComponent(x.id)}`)}>{x.id}</a> <Badge tone={status.tone}>{status.label}</Badge>
      <span class="hint"> {[x.address, x.applicant?.name].filter(Boolean).join(' · ')} · {S.registered} <RegionDate iso={x.registeredAt} regionId={regionId} /></span>
    </>
  );
}

function Proposal(p: { c: CaseDetail; similar: CaseSummary[]; canAct: boolean; busy: boolean; confirm: (ids: string[]) => Promise<boolean> }) {
  const [unchecked, setUnchecked] = useState<Set<string>>(new Set());
  if (p.similar.length === 0) return <p data-testid="similar-none">{S.none}</p>;
  const chosen = p.similar.filter((x) => !unchecked.has(x.id)).map((x) => x.id);
  const toggle = (id: string) => setUnchecked((u) => { const n = new Set(u); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  return (
    <form onSubmit={(e) => { e.preventDefault(); void p.confirm(chosen); }}>
      {p.canAct && <p>{S.select}</p>}
      <ul class="similar-list" data-testid="similar-list">
        {p.similar.map((x) => (
          <li>
            {p.canAct && <input type="checkbox" id={`similar-${x.id}`} checked={!unchecked.has(x.id)} onChange={() => toggle(x.id)} aria-label={x.id} />}{' '}
            <CaseLine x={x} regionId={p.c.regionId} />
          </li>
        ))}
      </ul>
      {p.canAct && (
        <>
          <p class="hint">{S.confirmHint}</p>
          <div class="actions"><Button type="submit" busy={p.busy} disabled={chosen.length === 0}>{S.confirm}</Button></div>
        </>
      )}
    </form>
  );
}

function GroupPanel(p: { group: Group; current: CaseDetail; canAct: boolean; busy: boolean; act: (r: () => Promise<unknown>) => Promise<boolean>; onAnswered: () => void }) {
  const { group } = p;
  const [text, setText] = useState(group.answer?.text ?? '');
  const [results, setResults] = useState<Outcome[] | null>(null);
  const reached = new Set(group.answeredCaseIds);
  const path = { groupId: group.id };
  const answer = () => p.act(async () => {
    const r = await call(() => api.POST('/case-groups/{groupId}/answer', { params: { path }, body: { text: text.trim() } }));
    setResults(r.results);
    p.onAnswered();
  });
  const remove = (caseId: string) => p.act(() => call(() => api.DELETE('/case-groups/{groupId}/cases/{caseId}', { params: { path: { groupId: group.id, caseId } } })));
  const unanswered = group.cases.some((x) => !reached.has(x.id));
  return (
    <div data-testid="case-group">
      <h3>{S.group(group.id)}</h3>
      <ul class="similar-list">
        {group.cases.map((x) => (
          <li>
            <CaseLine x={x} regionId={p.current.regionId} />
            {x.id === p.current.id && <span class="hint"> ({S.thisCase})</span>}
            {reached.has(x.id) && <span class="hint"> — {S.reached}</span>}
            {p.canAct && !reached.has(x.id) && (
              <> <Button kind="link" label={S.removeLabel(x.id)} onClick={() => void remove(x.id)}>{S.remove}</Button></>
            )}
          </li>
        ))}
      </ul>
      {group.answer && <p><Badge tone="success">{S.groupAnswered}</Badge></p>}
      {p.canAct && unanswered && (
        <form onSubmit={(e) => { e.preventDefault(); void answer(); }}>
          <h3>{S.answer}</h3>
          <TextArea id="group-answer-text" label={S.answerText} hint={S.answerHint} value={text} onInput={setText} required rows={6} maxLength={10000} />
          <div class="actions"><Button type="submit" busy={p.busy}>{S.send}</Button></div>
        </form>
      )}
      {results && (
        <>
          <h3>{S.results}</h3>
          <ul class="similar-list" data-testid="group-results">
            {results.map((r) => (
              <li>{r.caseId}: {r.outcome === 'answered' ? S.resultAnswered : S.resultRefused(r.problem?.detail ?? r.problem?.title ?? '')}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
