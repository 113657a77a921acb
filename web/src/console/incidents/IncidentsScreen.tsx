// Incidents found in open sources: the list the person's role may see (their organisation's, the
// region's for a supervisor), earliest term first, with the post, its term and its state.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { Badge, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { RegionDate, TableWrap } from '../components';
import { useLoad } from '../data';
import { Check } from '../events/ListEditor';

const V = T.console.incidents;
export type Incident = Schemas['Incident'];

/** The incident's state as the console says it: waiting, overdue, answered or dismissed. */
export function IncidentState({ i }: { i: Incident }) {
  const key = i.resolution ?? (i.overdue ? 'overdue' : 'open');
  const tone = key === 'overdue' ? 'danger' : key === 'answered' ? 'success' : key === 'dismissed' ? 'neutral' : 'warning';
  return <span data-incident-state={key}><Badge tone={tone}>{V.statuses[key]}</Badge></span>;
}

export function IncidentsScreen() {
  const [onlyOpen, setOnlyOpen] = useState(true);
  const list = useLoad(() => call(() => api.GET('/incidents', { params: { query: onlyOpen ? { open: true, limit: 100 } : { limit: 100 } } })), [onlyOpen]);
  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">{V.title}</h1>
      <p class="hint">{V.intro}</p>
      <Check id="incidents-open" label={V.onlyOpen} checked={onlyOpen} onChange={setOnlyOpen} />
      {list.error ? <Notice kind="error">{list.error}</Notice> : !list.data ? <Loading /> : list.data.items.length === 0 ? <p class="empty-state">{V.empty}</p> : (
        <TableWrap label={V.title}>
          <table class="table" data-testid="incidents">
            <thead><tr><th scope="col">{V.number}</th><th scope="col">{V.post}</th><th scope="col">{V.network}</th><th scope="col">{V.dueAt}</th><th scope="col">{V.status}</th></tr></thead>
            <tbody>
              {list.data.items.map((i) => (
                <tr data-incident={i.id}>
                  <td><a href={href(`/incidents/${encodeURIComponent(i.id)}`)}>{i.id}</a></td>
                  <td class="cell-text">{i.text}</td>
                  <td>{i.network}</td>
                  <td>{i.answerDueAt ? <RegionDate iso={i.answerDueAt} regionId={i.regionId} withTime /> : '—'}</td>
                  <td><IncidentState i={i} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
