// The monitoring dashboards of a region (issue 13): indicators over time and by organisation, territory,
// category and channel; the quarterly rating with its published snapshots and weights; the readiness of
// cabinets by municipal district; the problem analysis with returning cases. Each tab is shown to the
// roles its operations allow. The filters live in the address, so a drill-down into the queue and "back"
// return to the same figures.
import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../../api';
import { currentSearch, href, navigate, useSearch } from '../../router';
import { T } from '../../text';
import { Notice } from '../../components/ui';
import { useMe } from '../useMe';
import type { Me } from '../session';
import { fromSearch, toSearch, type DashboardFilters } from './filters';
import { IndicatorsTab } from './Indicators';
import { MonitoringFilters } from './MonitoringFilters';
import { ProblemsTab } from './Problems';
import { RatingTab } from './Rating';
import { ReadinessTab } from './Readiness';
import { useReference, type Reference } from './reference';

const D = T.console.dashboards;

export interface TabProps {
  f: DashboardFilters;
  set: (next: Partial<DashboardFilters>) => void;
  regionId: string;
  lists: Reference;
  me: Me;
}

type Tab = 'indicators' | 'rating' | 'readiness' | 'problems';
/** Who may read each tab: the roles of its operations (openapi.yaml's x-otklik-roles). */
const TABS: { id: Tab; roles: string[]; render: (p: TabProps) => preact.ComponentChildren }[] = [
  { id: 'indicators', roles: ['supervisor', 'analyst', 'administrator'], render: (p) => <IndicatorsTab {...p} /> },
  { id: 'rating', roles: ['supervisor', 'analyst', 'administrator'], render: (p) => <RatingTab {...p} /> },
  { id: 'readiness', roles: ['operator', 'supervisor', 'administrator'], render: (p) => <ReadinessTab {...p} /> },
  { id: 'problems', roles: ['operator', 'supervisor', 'administrator'], render: (p) => <ProblemsTab {...p} /> },
];

/** The region of a supervisor, analyst or operator (an operator's is their organisation's); undefined while asked. */
function useOwnRegion(me: Me | null): string | undefined {
  const [region, setRegion] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!me) return;
    if (me.regionId || !me.organisationId) { setRegion(me.regionId ?? ''); return; }
    call(() => api.GET('/organisations/{organisationId}', { params: { path: { organisationId: me.organisationId! } } })).then((o) => setRegion(o.regionId), () => setRegion(''));
  }, [me]);
  return region;
}

export function Dashboards({ tab }: { tab?: string }) {
  const me = useMe();
  const search = useSearch();
  const own = useOwnRegion(me);
  if (!me || own === undefined) return null;
  const now = new Date();
  const f = fromSearch(search, now);
  const tabs = TABS.filter((t) => t.roles.includes(me.role));
  const current = tabs.find((t) => t.id === tab) ?? tabs[0];
  const set = (next: Partial<DashboardFilters>) => navigate(`/dashboards/${current.id}?${toSearch({ ...fromSearch(currentSearch(), now), ...next }, now)}`);
  const regionId = me.role === 'administrator' ? f.regionId : own;
  return <DashboardsOf me={me} tabs={tabs} current={current} f={f} set={set} regionId={regionId} search={toSearch(f, now)} />;
}

function DashboardsOf(p: { me: Me; tabs: typeof TABS; current: (typeof TABS)[number]; f: DashboardFilters; set: TabProps['set']; regionId: string; search: string }) {
  const lists = useReference(p.regionId);
  const props: TabProps = { f: p.f, set: p.set, regionId: p.regionId, lists, me: p.me };
  return (
    <section aria-labelledby="dash-title" class="dashboards">
      <h1 id="dash-title">{D.title}: {D.tabs[p.current.id]}</h1>
      <nav aria-label={D.tabsLabel} class="tabs">
        {p.tabs.map((t) => (
          <a class="tab" href={href(`/dashboards/${t.id}${p.search ? `?${p.search}` : ''}`)} aria-current={t.id === p.current.id ? 'page' : undefined}>{D.tabs[t.id]}</a>
        ))}
      </nav>
      <MonitoringFilters {...props} tab={p.current.id} />
      {p.regionId ? p.current.render(props) : <Notice kind="info">{D.chooseRegion}</Notice>}
    </section>
  );
}
