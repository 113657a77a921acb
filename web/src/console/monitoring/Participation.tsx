// Participation on the indicators tab: events held by type, participants and the implementation of the
// winning projects of votes, by month of the period (a chart and its table). Filtered by region,
// organisation (with its subtree) and period; territory, category and channel do not apply to events.
import { api, call, type Schemas } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { T } from '../../text';
import { TableWrap } from '../components';
import { useLoad } from '../data';
import { ChartView } from './Chart';
import { ExportButtons } from './exports';
import type { DashboardFilters } from './filters';

const D = T.console.dashboards;
type Row = Schemas['ParticipationIndicatorRow'];
const COLUMNS = ['eventsHeld', 'pollsHeld', 'votesHeld', 'discussionsHeld', 'hearingsHeld', 'participants', 'winningProjects', 'projectsInProgress', 'projectsCompleted'] as const;

export function Participation({ f, regionId }: { f: DashboardFilters; regionId: string }) {
  const query = {
    regionId, from: f.from, to: f.to, groupBy: ['month' as const],
    ...(f.organisationId ? { organisationId: f.organisationId, subtree: f.subtree === 'true' } : {}),
  };
  const table = useLoad(() => call(() => api.GET('/monitoring/participation', { params: { query } })), [JSON.stringify(query)]);
  if (table.error) return <Notice kind="error">{table.error}</Notice>;
  if (!table.data) return <Loading />;
  const rows: Row[] = table.data.rows;
  const title = (id: string) => table.data!.definitions.find((d) => d.id === id)?.titleRu ?? id;
  if (rows.every((r) => r.eventsHeld === 0 && r.winningProjects === 0)) return <p class="empty-state">{D.empty}</p>;
  return (
    <>
      <ExportButtons id="participation" what={D.participation} path="/monitoring/participation" query={query} />
      <ChartView id="participation" title={D.participationChart} kind="bar" labels={rows.map((r) => r.period ?? '')}
        series={(['pollsHeld', 'votesHeld', 'discussionsHeld', 'hearingsHeld'] as const).map((id) => ({ label: title(id), values: rows.map((r) => r[id]) }))} />
      <TableWrap label={D.participation}>
        <table class="table indicators" data-testid="participation">
          <thead><tr><th scope="col">{D.month}</th>{COLUMNS.map((c) => <th scope="col">{title(c)}</th>)}</tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr data-group={r.period ?? ''}>
                <th scope="row">{r.period}</th>
                {COLUMNS.map((c) => <td class="num" data-col={c}>{r[c]}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
