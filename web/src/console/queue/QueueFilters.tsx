// The queue's filters: status, kind, term, open or closed, and (for supervisors and administrators) the
// handling organisation. Applied with the button, so a keyboard user changes several before the list reloads.
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../components/ui';
import { T } from '../../text';
import { Select } from '../components';
import { useOrganisations } from '../data';
import { NO_FILTERS, type FilterForm } from './filters';

const Q = T.console.queue;

export function QueueFilters(p: { value: FilterForm; onApply: (f: FilterForm) => void; showOrganisation: boolean; regionId: string }) {
  const [f, setF] = useState(p.value);
  useEffect(() => setF(p.value), [p.value]);
  const orgs = useOrganisations(p.showOrganisation ? p.regionId : undefined);
  const set = (k: keyof FilterForm) => (v: string) => setF({ ...f, [k]: v });
  const statuses = (['registered', 'in_work', 'clarification_requested', 'answered', 'closed'] as const).map((s): [string, string] => [s, T.status[s]]);
  return (
    <form class="filters card" aria-labelledby="filters-title" onSubmit={(e) => { e.preventDefault(); p.onApply(f); }}>
      <h2 id="filters-title">{Q.filters}</h2>
      <Select id="f-status" label={Q.status} value={f.status} onChange={set('status')} options={[['', T.console.any], ...statuses]} />
      <Select id="f-kind" label={Q.kind} value={f.kind} onChange={set('kind')} options={[['', T.console.any], ['appeal', Q.kinds.appeal], ['message', Q.kinds.message]]} />
      <Select id="f-overdue" label={Q.overdue} value={f.overdue} onChange={set('overdue')} options={[['', T.console.any], ['true', Q.overdueOnly], ['false', Q.notOverdue]]} />
      <Select id="f-open" label={Q.open} value={f.open} onChange={set('open')} options={[['', T.console.any], ['true', Q.openOnly], ['false', Q.closedOnly]]} />
      {p.showOrganisation && (
        <Select id="f-org" label={T.console.supervision.organisation} value={f.organisationId} onChange={set('organisationId')}
          options={[['', T.console.any], ...orgs.map((o): [string, string] => [o.id, o.name])]} />
      )}
      <div class="actions">
        <Button type="submit">{Q.apply}</Button>
        <Button kind="secondary" onClick={() => { setF(NO_FILTERS); p.onApply(NO_FILTERS); }}>{Q.reset}</Button>
      </div>
    </form>
  );
}
