// The rating tab: the quarter's ranking of organisations or municipalities, live or as a published
// snapshot (frozen: later data never changes it), with the configured indicators, weights and
// thresholds it was computed with. A supervisor publishes an ended quarter's snapshot here.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { Button, Loading, Notice } from '../../components/ui';
import { useTimeZone } from '../../cases/regions';
import { formatDateTime } from '../../format';
import { href } from '../../router';
import { T } from '../../text';
import { FailureNotice, Select, TableWrap } from '../components';
import { failure, useLoad, type Failure } from '../data';
import { queuePath } from '../queue/filters';
import { ExportButtons } from './exports';
import { monthOf, quarterOf, quartersUpTo } from './filters';
import type { TabProps } from './Dashboards';

const D = T.console.dashboards;
const R = D.rating;
type Table = Pick<Schemas['RatingTable'], 'config' | 'rows'> & { definitions?: Schemas['IndicatorDefinition'][] };

export function RatingTab({ f, set, regionId, me }: TabProps) {
  const defs = useLoad(() => call(() => api.GET('/monitoring/definitions')).then((r) => r.items), []);
  const snapshots = useLoad(() => call(() => api.GET('/monitoring/rating/snapshots', { params: { query: { regionId, quarter: f.quarter, subject: f.subject } } })).then((r) => r.items), [regionId, f.quarter, f.subject]);
  const table = useLoad<Table & { publishedAt?: string }>(() => (f.snapshot
    ? call(() => api.GET('/monitoring/rating/snapshots/{snapshotId}', { params: { path: { snapshotId: Number(f.snapshot) } } }))
    : call(() => api.GET('/monitoring/regions/{regionId}/rating', { params: { path: { regionId }, query: { quarter: f.quarter, subject: f.subject } } }))), [regionId, f.quarter, f.subject, f.snapshot]);
  const [fail, setFail] = useState<Failure | null>(null);
  const zone = useTimeZone(regionId) ?? 'UTC';
  const title = (id: string) => defs.data?.find((d) => d.id === id)?.titleRu ?? id;
  const ended = f.quarter < quarterOf(monthOf(new Date()));
  const publish = async () => {
    setFail(null);
    try {
      const s = await call(() => api.POST('/monitoring/rating/snapshots', { body: { regionId, quarter: f.quarter, subject: f.subject } }));
      snapshots.reload();
      set({ snapshot: String(s.id) });
    } catch (e) { setFail(failure(e)); }
  };
  return (
    <section class="card" aria-labelledby="rating-title">
      <h2 id="rating-title">{D.tabs.rating}: {f.quarter}, {R.subjects[f.subject]}</h2>
      <div class="filters-inline filters-inline--wide">
        <Select id="rating-quarter" label={R.quarter} value={f.quarter} onChange={(v) => set({ quarter: v, snapshot: '' })}
          options={quartersUpTo(monthOf(new Date()), 8).map((q): [string, string] => [q, q])} />
        <Select id="rating-subject" label={R.subject} value={f.subject} onChange={(v) => set({ subject: v as 'organisation', snapshot: '' })}
          options={[['organisation', R.subjects.organisation], ['municipality', R.subjects.municipality]]} />
        <Select id="rating-source" label={R.source} value={f.snapshot} onChange={(v) => set({ snapshot: v })}
          options={[['', R.live], ...(snapshots.data ?? []).map((s): [string, string] => [String(s.id), R.snapshot(formatDateTime(s.publishedAt, zone))])]} />
      </div>
      {me.role === 'supervisor' && ended && snapshots.data?.length === 0 && <Button kind="secondary" onClick={() => void publish()}>{R.publish}</Button>}
      <FailureNotice failure={fail} />
      {table.error ? <Notice kind="error">{table.error}</Notice> : !table.data ? <Loading /> : (
        <>
          <p class="hint" data-testid="rating-source">{table.data.publishedAt ? R.frozen(formatDateTime(table.data.publishedAt, zone)) : R.liveNote}</p>
          {f.snapshot
            ? <ExportButtons id="rating" what={D.tabs.rating} path="/monitoring/rating/snapshots/{snapshotId}" pathParams={{ snapshotId: Number(f.snapshot) }} query={{}} />
            : <ExportButtons id="rating" what={D.tabs.rating} path="/monitoring/regions/{regionId}/rating" pathParams={{ regionId }} query={{ quarter: f.quarter, subject: f.subject }} />}
          <RatingRows table={table.data} title={title} organisations={f.subject === 'organisation'} />
          <Weights config={table.data.config} title={title} />
        </>
      )}
    </section>
  );
}

function RatingRows({ table, title, organisations }: { table: Table; title: (id: string) => string; organisations: boolean }) {
  if (table.rows.length === 0) return <p class="empty-state">{R.empty}</p>;
  const ids = table.config.indicators.map((i) => i.indicator);
  // A value that misses its target is marked in its cell (a word, not only a colour).
  const value = (r: Schemas['RatingRow'], id: string) => {
    const v = (r as unknown as Record<string, number | null>)[id];
    const missed = r.unmet.split(',').map((x) => x.trim()).includes(id);
    return <>{v === null ? '—' : String(v).replace('.', ',')}{missed && <span class="unmet"> ✗<span class="visually-hidden"> {R.unmet}</span></span>}</>;
  };
  return (
    <>
    <p class="hint">{R.unmetLegend}</p>
    <TableWrap label={D.tabs.rating}>
      <table class="table" data-testid="rating">
        <thead>
          <tr>
            <th scope="col">{R.rank}</th><th scope="col">{R.name}</th><th scope="col">{R.score}</th><th scope="col">{R.thresholds}</th>
            {ids.map((id) => <th scope="col">{title(id)}</th>)}
            <th scope="col">{R.received}</th><th scope="col">{R.answered}</th><th scope="col">{R.rated}</th>
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr data-subject={r.subjectId}>
              <td class="num">{r.rank ?? R.unranked}</td>
              <th scope="row">{organisations ? <a href={href(queuePath({ organisationId: r.subjectId, open: '' }))}>{r.subjectName}</a> : r.subjectName}</th>
              <td class="num" data-col="score">{r.score === null ? '—' : String(r.score).replace('.', ',')}</td>
              <td class="num">{r.thresholdsMet} / {r.thresholdsTotal}</td>
              {ids.map((id) => <td class="num" data-col={id}>{value(r, id)}</td>)}
              <td class="num">{r.received}</td><td class="num">{r.answered}</td><td class="num">{r.rated}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
    </>
  );
}

function Weights({ config, title }: { config: Schemas['RatingConfig']; title: (id: string) => string }) {
  return (
    <section aria-labelledby="weights-title" data-testid="rating-config">
      <h3 id="weights-title">{R.config}</h3>
      {config.isDefault && <p class="hint">{R.defaultConfig}</p>}
      <TableWrap label={R.config}>
        <table class="table">
          <thead><tr><th scope="col">{D.indicator}</th><th scope="col">{R.weight}</th><th scope="col">{R.target}</th></tr></thead>
          <tbody>
            {config.indicators.map((i) => (
              <tr data-indicator={i.indicator}>
                <th scope="row">{title(i.indicator)}</th>
                <td class="num">{String(i.weight).replace('.', ',')}</td>
                <td>{R.better[i.better]} {String(i.target).replace('.', ',')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p class="hint">{R.minCases(config.minCases)} {R.scoring}</p>
    </section>
  );
}
