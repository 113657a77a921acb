// The queue: the cases the person may see (an operator: their organisation's), earliest term first (the
// API's order for staff), with filters and saved views, marks for near, overdue, extended, accelerated and
// advisory terms, and "take" right in the row. Keys: j/k move, Enter opens, t takes.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type CaseSummary } from '../../api';
import { Button, Loading, Notice } from '../../components/ui';
import { currentSearch, href, navigate, useSearch } from '../../router';
import { T } from '../../text';
import { FailureNotice, Marks, RegionDate, TableWrap } from '../components';
import { failure, idempotencyKey, type Failure } from '../data';
import { useShortcuts } from '../keys';
import { nameOf, useReference } from '../monitoring/reference';
import { remainingText } from '../marks';
import { useMe } from '../useMe';
import { QueueFilters } from './QueueFilters';
import { fromSearch, isDrillDown, listQuery, type FilterForm } from './filters';
import { formatDate } from '../../format';
import { useTimeZone } from '../../cases/regions';
import type { Reference } from '../monitoring/reference';
import { SavedViews } from './SavedViews';

const Q = T.console.queue;

export function Queue() {
  const me = useMe();
  const search = useSearch();
  const [filters, setFilters] = useState<FilterForm>(() => fromSearch(currentSearch()));
  useEffect(() => setFilters(fromSearch(search)), [search]);
  const [items, setItems] = useState<CaseSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [fail, setFail] = useState<Failure | null>(null);
  const lists = useReference(filters.categoryId || filters.territoryId ? filters.regionId || (me?.regionId ?? '') : '');
  const now = Date.now();
  const load = (after?: string) =>
    call(() => api.GET('/cases', { params: { query: { ...listQuery(filters), limit: 50, cursor: after } } })).then(
      (page) => { setItems((old) => [...(after ? old ?? [] : []), ...page.items]); setCursor(page.nextCursor); setError(null); },
      (e) => setError(failure(e).text),
    );
  useEffect(() => { void load(); }, [filters]);
  const take = async (c: CaseSummary) => {
    setNotice(null); setFail(null);
    try {
      await call(() => api.POST('/cases/{caseId}/take', { params: { path: { caseId: c.id }, header: { 'Idempotency-Key': idempotencyKey() } } }));
      setNotice(Q.taken(c.id));
    } catch (e) {
      setFail(failure(e));
    }
    void load();
  };
  const list = items ?? [];
  useShortcuts({
    j: () => setSelected((i) => Math.min(i + 1, list.length - 1)),
    k: () => setSelected((i) => Math.max(i - 1, 0)),
    Enter: () => list[selected] && navigate(`/cases/${encodeURIComponent(list[selected].id)}`),
    t: () => list[selected] && me?.role === 'operator' && void take(list[selected]),
  }, [list, selected, me]);
  useEffect(() => { document.querySelector<HTMLElement>(`[data-row="${selected}"] a`)?.focus({ preventScroll: false }); }, [selected]);
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{Q.title}</h1>
      <p class="hint"><a href={href('/case-groups')} data-testid="case-groups-link">{T.console.caseGroups.link}</a></p>
      <div class="console-columns">
        <div>
          <QueueFilters value={filters} onApply={setFilters} showOrganisation={me?.role !== 'operator'} regionId={me?.regionId ?? ''} />
          <SavedViews current={filters} onApply={setFilters} />
        </div>
        <div>
          {isDrillDown(filters) && <DrillDown f={filters} lists={lists} regionId={filters.regionId || (me?.regionId ?? '')} />}
          {notice && <Notice kind="success">{notice}</Notice>}
          <FailureNotice failure={fail} />
          {error ? <Notice kind="error">{error}</Notice> : !items ? <Loading /> : items.length === 0 ? <p class="empty-state">{Q.empty}</p> : (
            <>
              <p class="hint">{Q.sortNote} {Q.count(items.length, !!cursor)}</p>
              <TableWrap label={Q.title}>
                <table class="table" data-testid="queue">
                  <thead><tr><th scope="col">{Q.number}</th><th scope="col">{Q.text}</th><th scope="col">{Q.term}</th><th scope="col">{Q.remaining}</th><th scope="col">{Q.marks}</th><th scope="col"><span class="visually-hidden">{Q.takeShort}</span></th></tr></thead>
                  <tbody>
                    {items.map((c, i) => (
                      <tr data-row={i} data-case={c.id} class={i === selected ? 'is-selected' : undefined}>
                        <td><a href={href(`/cases/${encodeURIComponent(c.id)}`)} onFocus={() => setSelected(i)}>{c.id}</a></td>
                        <td class="cell-text">{c.text.length > 90 ? `${c.text.slice(0, 90)}…` : c.text}</td>
                        <td>{c.answerDueAt ? <RegionDate iso={c.answerDueAt} regionId={c.regionId} /> : Q.noTerm}</td>
                        <td>{remainingText(c, now)}</td>
                        <td><Marks c={c} now={now} /></td>
                        <td>{me?.role === 'operator' && c.status === 'registered' && <Button kind="secondary" label={Q.take(c.id)} onClick={() => void take(c)}>{Q.takeShort}</Button>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              {cursor && <Button kind="secondary" onClick={() => void load(cursor)}>{T.console.more}</Button>}
            </>
          )}
        </div>
      </div>
    </section>
  );
}

/** What a drill-down from the monitoring selects beyond the form's filters, in words. */
function DrillDown({ f, lists, regionId }: { f: FilterForm; lists: Reference; regionId: string }) {
  const zone = useTimeZone(regionId || undefined) ?? 'UTC';
  const day = (iso: string, before = false) => (iso ? formatDate(new Date(Date.parse(iso) - (before ? 1 : 0)).toISOString(), zone) : '');
  const parts = [
    f.categoryId && Q.drill.category(nameOf(lists, f.categoryId)),
    f.territoryId && Q.drill.territory(nameOf(lists, f.territoryId), f.territorySubtree === 'true'),
    f.organisationId && f.organisationSubtree === 'true' && Q.drill.organisationSubtree,
    f.channel && Q.drill.channel(T.console.dashboards.channels[f.channel] ?? f.channel),
    (f.registeredFrom || f.registeredTo) && Q.drill.registered(day(f.registeredFrom), day(f.registeredTo, true)),
  ].filter((x): x is string => !!x);
  return <p class="hint" data-testid="drill-down">{Q.drillDown(parts)}</p>;
}
