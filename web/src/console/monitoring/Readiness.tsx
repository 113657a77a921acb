// The readiness tab: the Altai letter's table of organisations' cabinets by municipal district and kind
// of organisation (created; with an operator, the form on a site, a handled case; ready), with a kept
// monthly snapshot to compare with, and its CSV/XLSX export.
import { api, call, type Schemas } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { useTimeZone } from '../../cases/regions';
import { formatDateTime } from '../../format';
import { T } from '../../text';
import { Select, TableWrap } from '../components';
import { useLoad } from '../data';
import { ExportButtons } from './exports';
import type { TabProps } from './Dashboards';

const D = T.console.dashboards;
const R = D.readiness;
type Figures = Schemas['CabinetReadinessFigures'];

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10}`.replace('.', ',') + ' %');
const delta = (now: number, before: number) => (now === before ? '0' : now > before ? `+${now - before}` : `−${before - now}`);

export function ReadinessTab({ f, set, regionId }: TabProps) {
  const months = useLoad(() => call(() => api.GET('/monitoring/readiness/snapshots', { params: { query: { regionId } } })).then((r) => r.items), [regionId]);
  const query = { regionId, ...(f.compareTo ? { compareTo: f.compareTo } : {}) };
  const report = useLoad(() => call(() => api.GET('/monitoring/readiness', { params: { query } })), [JSON.stringify(query)]);
  const zone = useTimeZone(regionId) ?? 'UTC';
  return (
    <section class="card" aria-labelledby="ready-title">
      <h2 id="ready-title">{R.title}</h2>
      <div class="filters-inline">
        {months.data?.length === 0 ? <p class="hint">{R.noSnapshots}</p> : (
          <Select id="ready-compare" label={R.compareTo} value={f.compareTo} onChange={(v) => set({ compareTo: v })}
            options={[['', R.noCompare], ...(months.data ?? []).map((m): [string, string] => [m.month, m.month])]} />
        )}
      </div>
      {report.error ? <Notice kind="error">{report.error}</Notice> : !report.data ? <Loading /> : (
        <>
          <p class="hint">{R.asOf(formatDateTime(report.data.asOf, zone))}</p>
          <ExportButtons id="readiness" what={R.title} path="/monitoring/readiness" query={query} />
          {report.data.rows.length === 0 ? <p class="empty-state">{R.empty}</p> : <ReadinessTable report={report.data} />}
        </>
      )}
    </section>
  );
}

function ReadinessTable({ report }: { report: Schemas['CabinetReadinessReport'] }) {
  const compared = report.comparedTo;
  const cells = (x: Figures) => [x.created, x.withActiveOperator, x.withEmbeddedForm, x.withHandledCase, x.ready].map((n) => <td class="num">{n}</td>);
  const comparison = (ready: number, previous: Figures | null | undefined) => (compared ? [
    <td class="num">{previous ? previous.ready : '—'}</td>,
    <td class="num" data-col="change">{previous ? delta(ready, previous.ready) : '—'}</td>,
  ] : []);
  return (
    <TableWrap label={R.title}>
      <table class="table" data-testid="readiness">
        <thead>
          <tr>
            <th scope="col">{R.district}</th><th scope="col">{R.kind}</th><th scope="col">{R.created}</th><th scope="col">{R.withActiveOperator}</th>
            <th scope="col">{R.withEmbeddedForm}</th><th scope="col">{R.withHandledCase}</th><th scope="col">{R.ready}</th><th scope="col">{R.readyShare}</th>
            {compared && <><th scope="col">{R.previous(compared)}</th><th scope="col">{R.change}</th></>}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr data-territory={r.territoryId} data-kind={r.organisationKind}>
              <th scope="row">{r.territoryKind === 'region' ? R.region : r.territoryName}</th>
              <td>{R.kinds[r.organisationKind]}</td>
              {cells(r)}
              <td class="num" data-col="share">{percent(r.readyShare)}</td>
              {comparison(r.ready, r.previous)}
            </tr>
          ))}
        </tbody>
        <tfoot>
          {report.totals.map((t) => (
            <tr data-total={t.organisationKind}>
              <th scope="row">{R.total}</th>
              <td>{R.kinds[t.organisationKind]}</td>
              {cells(t)}
              <td class="num">{percent(t.readyShare)}</td>
              {compared && <><td /><td /></>}
            </tr>
          ))}
        </tfoot>
      </table>
    </TableWrap>
  );
}
