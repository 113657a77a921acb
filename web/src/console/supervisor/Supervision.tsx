// The region's cases that need a supervisor: overdue (past their term; advisory terms marked and
// filterable) and stuck (no action for some days, with what each waits for). Each opens the case page,
// where the overrides are.
import { useState } from 'preact/hooks';
import { api, call, type CaseSummary } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { Input, Marks, RegionDate, Select, TableWrap } from '../components';
import { useLoad, useOrganisations } from '../data';
import { remainingText, stuckReason } from '../marks';

const S = T.console.supervision;
const Q = T.console.queue;

export function Supervision() {
  const [tab, setTab] = useState<'overdue' | 'stuck'>('overdue');
  const [advisory, setAdvisory] = useState('');
  const [days, setDays] = useState('7');
  const list = useLoad(() => (tab === 'overdue'
    ? call(() => api.GET('/supervision/overdue', { params: { query: { limit: 100, ...(advisory ? { advisory: advisory === 'true' } : {}) } } }))
    : call(() => api.GET('/supervision/stuck', { params: { query: { limit: 100, days: Math.max(1, Number(days) || 7) } } }))), [tab, advisory, days]);
  const orgs = useOrganisations('');
  const orgName = (id: string | null) => orgs.find((o) => o.id === id)?.name ?? id ?? T.console.none;
  return (
    <section aria-labelledby="sup-title">
      <h1 id="sup-title">{S.title}</h1>
      <div class="tabs" role="group" aria-label={S.title}>
        <button type="button" class="tab" aria-pressed={tab === 'overdue'} onClick={() => setTab('overdue')}>{S.overdue}</button>
        <button type="button" class="tab" aria-pressed={tab === 'stuck'} onClick={() => setTab('stuck')}>{S.stuck}</button>
      </div>
      <div class="filters-inline">
        {tab === 'overdue'
          ? <Select id="sup-advisory" label={S.advisory} value={advisory} onChange={setAdvisory} options={[['', S.advisoryAll], ['false', S.advisoryBinding], ['true', S.advisoryOnly]]} />
          : <Input id="sup-days" type="number" min={1} max={365} label={S.stuckDays} value={days} onInput={setDays} />}
      </div>
      {list.error ? <Notice kind="error">{list.error}</Notice> : !list.data ? <Loading /> : list.data.items.length === 0 ? <p class="empty-state">{S.empty}</p> : (
        <CaseTable items={list.data.items} reason={tab === 'stuck' ? stuckReason : remainingText} orgName={orgName} />
      )}
    </section>
  );
}

function CaseTable({ items, reason, orgName }: { items: CaseSummary[]; reason: (c: CaseSummary, now: number) => string; orgName: (id: string | null) => string }) {
  const now = Date.now();
  return (
    <TableWrap label={S.title}>
      <table class="table" data-testid="supervision">
        <thead><tr><th scope="col">{Q.number}</th><th scope="col">{S.organisation}</th><th scope="col">{Q.term}</th><th scope="col">{S.reason}</th><th scope="col">{Q.marks}</th></tr></thead>
        <tbody>
          {items.map((c) => (
            <tr data-case={c.id}>
              <td><a href={href(`/cases/${encodeURIComponent(c.id)}`)}>{c.id}</a></td>
              <td>{orgName(c.organisationId)}</td>
              <td>{c.answerDueAt ? <RegionDate iso={c.answerDueAt} regionId={c.regionId} /> : Q.noTerm}</td>
              <td>{reason(c, now)}</td>
              <td><Marks c={c} now={now} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
