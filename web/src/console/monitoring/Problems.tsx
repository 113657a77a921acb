// The problems tab (Astrakhan's analysis for preventive measures): categories, organisations and
// municipal districts that collect low ratings, repeat processing and overdue cases in a period, against
// the period before it (trend), with example cases; then the cases that come back (the same applicant
// and subject). Exports of both. Names and overdue counts open the matching queue; examples open the case.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { Button, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { Input, TableWrap } from '../components';
import { useLoad } from '../data';
import { queuePath, type FilterForm } from '../queue/filters';
import { ChartView } from './Chart';
import { ExportButtons } from './exports';
import type { TabProps } from './Dashboards';
import { nameOf, type Reference } from './reference';

const D = T.console.dashboards;
const P = D.problems;
type Group = Schemas['ProblemGroup'];
type Dim = 'categories' | 'organisations' | 'territories';
const DIMS: Dim[] = ['categories', 'organisations', 'territories'];

export function ProblemsTab({ f, set, regionId, lists }: TabProps) {
  const period = { ...(f.problemsFrom ? { from: f.problemsFrom } : {}), ...(f.problemsTo ? { to: f.problemsTo } : {}) };
  const query = { regionId, ...period };
  const key = JSON.stringify(query);
  const analysis = useLoad(() => call(() => api.GET('/monitoring/problems', { params: { query } })), [key]);
  const returning = useLoad(() => call(() => api.GET('/monitoring/problems/returning', { params: { query } })), [key]);
  const [from, setFrom] = useState(f.problemsFrom);
  const [to, setTo] = useState(f.problemsTo);
  useEffect(() => { setFrom(f.problemsFrom); setTo(f.problemsTo); }, [f.problemsFrom, f.problemsTo]);
  const a = analysis.data;
  return (
    <>
      <form class="filters-inline filters-inline--wide" aria-label={D.filters} onSubmit={(e) => { e.preventDefault(); set({ problemsFrom: from, problemsTo: to }); }}>
        <Input id="pr-from" type="date" label={P.from} value={from || a?.period.from || ''} onInput={setFrom} />
        <Input id="pr-to" type="date" label={P.to} value={to || a?.period.to || ''} onInput={setTo} />
        <div class="actions"><Button type="submit">{D.apply}</Button></div>
      </form>
      {analysis.error ? <Notice kind="error">{analysis.error}</Notice> : !a ? <Loading /> : (
        <section class="card" aria-labelledby="pr-title">
          <h2 id="pr-title">{D.tabs.problems}</h2>
          <p class="hint" data-testid="problems-period">{P.period(a.period.from, a.period.to, a.previousPeriod.from, a.previousPeriod.to)}</p>
          <ExportButtons id="problems" what={D.tabs.problems} path="/monitoring/problems" query={query} />
          {a.categories.length > 0 && (
            <ChartView id="problems-categories" title={P.chart} kind="bar" horizontal labels={a.categories.map((g) => g.name ?? D.none)}
              series={[{ label: P.current, values: a.categories.map((g) => g.current.problems) }, { label: P.before, values: a.categories.map((g) => g.previous.problems) }]} />
          )}
          {DIMS.map((d) => <ProblemTable dim={d} groups={a[d]} />)}
        </section>
      )}
      <section class="card" aria-labelledby="ret-title">
        <h2 id="ret-title">{P.returning}</h2>
        {returning.error ? <Notice kind="error">{returning.error}</Notice> : !returning.data ? <Loading /> : (
          <>
            <ExportButtons id="returning" what={P.returning} path="/monitoring/problems/returning" query={query} />
            <Returning groups={returning.data.items} lists={lists} />
          </>
        )}
      </section>
    </>
  );
}

const trendText = (n: number) => (n > 0 ? `▲ +${n}` : n < 0 ? `▼ −${-n}` : '0');

/** The queue's filters of a group's cases: the queue matches a category or an organisation, not a district's settlements. */
function groupFilter(dim: Dim, id: string | null): Partial<FilterForm> | null {
  if (!id || dim === 'territories') return null;
  return dim === 'categories' ? { categoryId: id } : { organisationId: id };
}

function ProblemTable({ dim, groups }: { dim: Dim; groups: Group[] }) {
  const id = `pr-${dim}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{P.dims[dim]}</h3>
      {groups.length === 0 ? <p class="empty-state">{P.empty}</p> : (
        <TableWrap label={P.dims[dim]}>
          <table class="table" data-testid={`problems-${dim}`}>
            <thead>
              <tr>
                <th scope="col">{P.name}</th><th scope="col">{P.received}</th><th scope="col">{P.lowRatings}</th><th scope="col">{P.repeatProcessing}</th>
                <th scope="col">{P.overdue}</th><th scope="col">{P.problems}</th><th scope="col">{P.previous}</th><th scope="col">{P.trend}</th><th scope="col">{P.examples}</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => {
                const filter = groupFilter(dim, g.id);
                const name = g.name ?? D.none;
                return (
                  <tr data-group={g.id ?? ''}>
                    <th scope="row">{filter ? <a href={href(queuePath({ ...filter, open: '' }))}>{name}</a> : name}</th>
                    <td class="num">{g.current.received}</td>
                    <td class="num" data-col="lowRatings">{g.current.lowRatings}</td>
                    <td class="num" data-col="repeatProcessing">{g.current.repeatProcessing}</td>
                    <td class="num" data-col="overdue">{filter && g.current.overdue ? <a href={href(queuePath({ ...filter, open: '', overdue: 'true' }))} aria-label={D.drillLabel(`${name}, ${P.overdue}`, g.current.overdue)}>{g.current.overdue}</a> : g.current.overdue}</td>
                    <td class="num" data-col="problems">{g.current.problems}</td>
                    <td class="num">{g.previous.problems}</td>
                    <td class="num" data-col="trend">{trendText(g.trend)}</td>
                    <td>
                      <CaseLinks items={g.examples.map((e) => ({ caseId: e.caseId, note: `${P.kinds[e.problem]}${e.rating ? ` (${e.rating})` : ''}` }))} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function Returning({ groups, lists }: { groups: Schemas['ReturningCaseGroup'][]; lists: Reference }) {
  if (groups.length === 0) return <p class="empty-state">{P.returningEmpty}</p>;
  return (
    <TableWrap label={P.returning}>
      <table class="table" data-testid="returning">
        <thead><tr><th scope="col">{P.applicant}</th><th scope="col">{P.subject}</th><th scope="col">{P.cases}</th></tr></thead>
        <tbody>
          {groups.map((g) => (
            <tr data-applicant={g.applicantRef}>
              <th scope="row">{g.applicant?.name ?? g.applicantRef}</th>
              <td>{g.subjectName}</td>
              <td>
                <CaseLinks items={g.cases.map((c) => ({ caseId: c.caseId, note: `${T.status[c.status]}${c.organisationId ? `, ${nameOf(lists, c.organisationId)}` : ''}` }))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Cases as links to their pages, each with a short note: the examples of a problem, a returning applicant's cases. */
function CaseLinks({ items }: { items: { caseId: string; note: string }[] }) {
  return (
    <ul class="examples">
      {items.map((c) => <li><a href={href(`/cases/${encodeURIComponent(c.caseId)}`)}>{c.caseId}</a> — {c.note}</li>)}
    </ul>
  );
}
