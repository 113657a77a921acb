// The indicators tab: the period's totals with how each is computed, the figures over the months (two
// charts, one table), and the figures by organisation, territory, category or channel (a chart and a
// table), participation by month, each table with its CSV/XLSX export. Counts that the queue can show
// exactly link to the matching cases (the drill-down: filters.ts drillFilters).
import { useTimeZone } from '../../cases/regions';
import { api, call, type Schemas } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { Select, TableWrap } from '../components';
import { useLoad } from '../data';
import { queuePath } from '../queue/filters';
import { ChartView } from './Chart';
import { Participation } from './Participation';
import { ExportButtons } from './exports';
import { DIMENSIONS, INCIDENT_CHANNEL, drillFilters, indicatorQuery, type DashboardFilters, type Dimension, type DrillGroup, type DrillMeasure } from './filters';
import type { TabProps } from './Dashboards';

const D = T.console.dashboards;
type Row = Schemas['CaseIndicatorRow'];
type Definition = Schemas['IndicatorDefinition'];

/** The columns of the month and dimension tables. */
const COLUMNS = ['received', 'answered', 'closed', 'answeredOnTimePercent', 'openNow', 'overdueNow', 'averageAnswerDays', 'medianAnswerDays', 'ratingHighPercent', 'sentToRepeat'] as const;
const DRILL: Partial<Record<string, DrillMeasure>> = { received: 'received', openNow: 'openNow', overdueNow: 'overdueNow' };
/** The queue's address of a figure's cases, or undefined where the queue cannot show exactly them. */
type Drill = (measure: DrillMeasure, group?: DrillGroup) => string | undefined;

export function IndicatorsTab({ f, set, regionId }: TabProps) {
  const q = (groupBy: Parameters<typeof indicatorQuery>[1]) => ({ ...indicatorQuery(f, groupBy), regionId });
  const load = (groupBy: Parameters<typeof indicatorQuery>[1]) => call(() => api.GET('/monitoring/indicators', { params: { query: q(groupBy) } }));
  const key = JSON.stringify(q([]));
  const totals = useLoad(() => load([]), [key]);
  const months = useLoad(() => load(['month']), [key]);
  const byDim = useLoad(() => load([f.by]), [key, f.by]);
  // Incidents are counted here but listed apart from the queue: with any in the figures, a link would not match them.
  const channels = useLoad(() => (f.channel ? Promise.resolve(null) : load(['channel'])), [key]);
  const zone = useTimeZone(regionId);
  const incidents = channels.data?.rows.some((r) => r.channel === INCIDENT_CHANNEL && (r.received > 0 || r.openNow > 0));
  const drill: Drill = (measure, group = {}) => {
    if (!zone || channels.data === undefined || (incidents && group.channel === undefined)) return undefined;
    const filters = drillFilters(f, measure, zone, group);
    return filters ? queuePath(filters) : undefined;
  };
  const defs = totals.data?.definitions ?? [];
  const title = (id: string) => defs.find((d) => d.id === id)?.titleRu ?? id;
  return (
    <>
      <p class="hint">{D.drillNote}</p>
      <section class="card" aria-labelledby="ind-totals">
        <h2 id="ind-totals">{D.totals}</h2>
        {totals.error ? <Notice kind="error">{totals.error}</Notice> : !totals.data ? <Loading /> : <Totals row={totals.data.rows[0]} defs={defs} drill={drill} />}
      </section>
      <section class="card" aria-labelledby="ind-months">
        <h2 id="ind-months">{D.overTime}</h2>
        {months.error ? <Notice kind="error">{months.error}</Notice> : !months.data ? <Loading /> : (
          <>
            <ExportButtons id="indicators-months" what={D.overTime} path="/monitoring/indicators" query={q(['month'])} />
            <OverTime rows={months.data.rows} title={title} drill={drill} />
          </>
        )}
      </section>
      <section class="card" aria-labelledby="ind-dim">
        <h2 id="ind-dim">{D.byDimension} {D.dimensions[f.by]}</h2>
        <div class="filters-inline">
          <Select id="ind-by" label={D.byDimension} value={f.by} onChange={(v) => set({ by: v as Dimension })}
            options={DIMENSIONS.map((d): [string, string] => [d, D.dimensions[d]])} />
        </div>
        {byDim.error ? <Notice kind="error">{byDim.error}</Notice> : !byDim.data ? <Loading /> : (
          <>
            <ExportButtons id="indicators-by" what={`${D.byDimension} ${D.dimensions[f.by]}`} path="/monitoring/indicators" query={q([f.by])} />
            <ByDimension rows={byDim.data.rows} f={f} title={title} drill={drill} />
          </>
        )}
      </section>
      <section class="card" aria-labelledby="ind-participation">
        <h2 id="ind-participation">{D.participation}</h2>
        <Participation f={f} regionId={regionId} />
      </section>
    </>
  );
}

/** A figure: a link to its cases where the queue can show them, else the number. */
function Figure(p: { value: number | null; label: string; to?: string }) {
  const text = p.value === null ? '—' : String(p.value).replace('.', ',');
  return p.to && p.value ? <a href={href(p.to)} aria-label={D.drillLabel(p.label, p.value)} data-drill={p.label}>{text}</a> : <>{text}</>;
}

/** The figures shown first; every indicator is in the tables below them, with how it is computed. */
const HEADLINE = ['received', 'answered', 'answeredOnTimePercent', 'openNow', 'overdueNow', 'averageAnswerDays', 'ratingHighPercent', 'sentToRepeat'];

function Totals({ row, defs, drill }: { row: Row | undefined; defs: Definition[]; drill: Drill }) {
  if (!row) return <p class="empty-state">{D.empty}</p>;
  const value = (id: string) => (row as unknown as Record<string, number | null>)[id];
  const to = (id: string) => { const m = DRILL[id]; return m && drill(m); };
  const groups = [...new Set(defs.map((d) => d.group))];
  return (
    <>
      <dl class="figures" data-testid="figures">
        {defs.filter((d) => HEADLINE.includes(d.id)).map((d) => (
          <div class="figure" data-indicator={d.id}>
            <dt>{d.titleRu}</dt>
            <dd class="figure__value"><Figure value={value(d.id)} label={d.titleRu} to={to(d.id)} /></dd>
          </div>
        ))}
      </dl>
      <details class="indicator-groups">
        <summary>{D.allIndicators}</summary>
        {groups.map((g) => (
          <TableWrap label={D.groups[g]}>
            <table class="table indicators" data-testid={`totals-${g}`}>
              <caption>{D.groups[g]}</caption>
              <thead><tr><th scope="col">{D.indicator}</th><th scope="col" class="num">{D.value}</th></tr></thead>
              <tbody>
                {defs.filter((d) => d.group === g).map((d) => (
                  <tr data-indicator={d.id}>
                    <th scope="row">{d.titleRu}<span class="hint indicator-how">{d.definitionRu}</span></th>
                    <td class="num"><Figure value={value(d.id)} label={d.titleRu} to={to(d.id)} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ))}
      </details>
    </>
  );
}

function OverTime({ rows, title, drill }: { rows: Row[]; title: (id: string) => string; drill: Drill }) {
  if (rows.length === 0) return <p class="empty-state">{D.empty}</p>;
  const labels = rows.map((r) => r.period ?? '');
  const series = (ids: (keyof Row)[]) => ids.map((id) => ({ label: title(id), values: rows.map((r) => r[id] as number | null) }));
  return (
    <>
      <div class="charts">
        <ChartView id="months-counts" title={D.countsChart} kind="line" labels={labels} series={series(['received', 'answered', 'closed'])} />
        <ChartView id="months-percent" title={D.percentChart} kind="line" labels={labels} max={100} series={series(['answeredOnTimePercent', 'ratingHighPercent'])} />
      </div>
      <IndicatorTable rows={rows} first={D.month} name={(r) => r.period ?? ''} title={title} to={(r, m) => drill(m, { period: r.period })} testid="months" />
    </>
  );
}

function ByDimension({ rows, f, title, drill }: { rows: Row[]; f: DashboardFilters; title: (id: string) => string; drill: Drill }) {
  if (rows.length === 0) return <p class="empty-state">{D.empty}</p>;
  const name = (r: Row) => ({
    organisation: r.organisationName ?? r.organisationId, territory: r.territoryName ?? r.territoryId, category: r.categoryName ?? r.categoryId,
    channel: r.channel && (D.channels[r.channel] ?? r.channel),
  }[f.by] ?? D.none);
  const top = [...rows].sort((a, b) => b.received - a.received).slice(0, 15);
  const to = (r: Row, measure: DrillMeasure) => drill(measure, {
    organisation: { organisationId: r.organisationId }, territory: { territoryId: r.territoryId }, category: { categoryId: r.categoryId }, channel: { channel: r.channel },
  }[f.by]);
  return (
    <>
      <ChartView id={`by-${f.by}`} title={D.dimensionChart(D.dimensions[f.by])} kind="bar" horizontal labels={top.map(name)}
        series={[{ label: title('received'), values: top.map((r) => r.received) }, { label: title('overdueNow'), values: top.map((r) => r.overdueNow) }]} />
      <IndicatorTable rows={rows} first={D.dimensionColumn[f.by]} name={name} title={title} to={to} testid={`by-${f.by}`} />
    </>
  );
}

function IndicatorTable(p: { rows: Row[]; first: string; name: (r: Row) => string; title: (id: string) => string; to?: (r: Row, m: DrillMeasure) => string | undefined; testid: string }) {
  return (
    <TableWrap label={p.first}>
      <table class="table indicators" data-testid={p.testid}>
        <thead><tr><th scope="col">{p.first}</th>{COLUMNS.map((c) => <th scope="col">{p.title(c)}</th>)}</tr></thead>
        <tbody>
          {p.rows.map((r) => (
            <tr data-group={p.name(r)}>
              <th scope="row">{p.name(r)}</th>
              {COLUMNS.map((c) => {
                const m = DRILL[c];
                return <td class="num" data-col={c}><Figure value={r[c]} label={`${p.name(r)}, ${p.title(c)}`} to={m && p.to?.(r, m)} /></td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
