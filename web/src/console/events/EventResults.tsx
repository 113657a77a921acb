// An event's results once they are visible: a poll's answers per option with bars, a vote's projects with
// their votes and the winners, and the vote's pabulib export (.pb) as a download.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { Button } from '../../components/ui';
import { T } from '../../text';
import { explainProject } from '../../participation/explain';
import { projectOutcomes, type VoteResults } from '../../participation/model';
import { formatMoney } from '../../participation/words';
import { FailureNotice, TableWrap } from '../components';
import { failure, useLoad, type Failure } from '../data';

const V = T.console.events;
/** Counts online, on paper and in total (activities/poll.ts). */
type Split = { online: number; offline: number; total: number };
type Option = Split & { id: string; text: string; share: number };
type Question = { id: string; kind: string; text: string; options?: Option[]; scale?: { average: number | null }; texts?: { items: string[] } };

export function EventResults({ e }: { e: Schemas['EventDetail'] }) {
  const visible = e.resultsVisible || e.status === 'results_published';
  const results = useLoad(async () => (visible ? (await call(() => api.GET('/events/{eventId}/results', { params: { path: { eventId: e.id } } }))).results : null), [e.id, visible]);
  const r = results.data as { respondents?: Split; questions?: Question[]; projects?: unknown[] } | null | undefined;
  const projects = r?.projects;
  const respondents = r?.respondents?.total;
  return (
    <section class="card" aria-labelledby="results-title" data-testid="results">
      <h2 id="results-title">{V.results}</h2>
      {!r ? <p>{V.resultsNone}</p> : (
        <>
          {respondents !== undefined && <p>{V.respondents(respondents)}</p>}
          {r.questions?.map((q) => <PollQuestion q={q} />)}
          {projects && <VoteProjects results={r as unknown as VoteResults} />}
          {!r.questions && !projects && <pre class="snippet">{JSON.stringify(r, null, 2)}</pre>}
        </>
      )}
      {e.type === 'vote' && visible && <PabulibLink eventId={e.id} />}
    </section>
  );
}

function PollQuestion({ q }: { q: Question }) {
  return (
    <div class="result-question">
      <h3>{q.text}</h3>
      {q.options && (
        <ul class="bars">
          {q.options.map((o) => (
            <li data-option={o.id}>
              <span class="bars__label">{o.text}: {o.total} ({Math.round(o.share * 100)}%)</span>
              <span class="bars__bar" style={{ width: `${Math.round(o.share * 100)}%` }} aria-hidden="true" />
            </li>
          ))}
        </ul>
      )}
      {typeof q.scale?.average === 'number' && <p>{V.mean(q.scale.average)}</p>}
      {q.texts && <ul>{q.texts.items.map((t) => <li>{t}</li>)}</ul>}
    </div>
  );
}

/** A vote's projects with the same Russian one-line explanations the citizens see (web/src/participation/explain.ts). */
function VoteProjects({ results }: { results: VoteResults }) {
  return (
    <TableWrap label={V.results}>
      <table class="table table--wrap">
        <thead><tr><th scope="col">{V.name}</th><th scope="col">{V.votes}</th><th scope="col">{V.cost}</th><th scope="col">{V.winner}</th></tr></thead>
        <tbody>{projectOutcomes(results).map((o) => {
          const p = o.project;
          // The explanation goes under the name, so that on a phone the table stays four short columns.
          return <tr><td>{p.name ?? p.id}<br /><span class="hint">{explainProject(o, results)}</span></td><td>{p.votes}</td><td>{formatMoney(p.cost)}</td><td>{p.selected ? '✓' : ''}</td></tr>;
        })}</tbody>
      </table>
    </TableWrap>
  );
}

function PabulibLink({ eventId }: { eventId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [fail, setFail] = useState<Failure | null>(null);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  const load = () => call(() => api.GET('/events/{eventId}/export.pb', { params: { path: { eventId } }, parseAs: 'blob' }))
    .then((b) => { setFail(null); setUrl(URL.createObjectURL(b as Blob)); }, (x) => setFail(failure(x)));
  return (
    <div class="actions">
      {url ? <a href={url} download={`${eventId}.pb`}>{V.export}</a> : <Button kind="secondary" onClick={() => void load()}>{V.export}</Button>}
      <FailureNotice failure={fail} />
    </div>
  );
}
