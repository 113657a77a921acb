// The console's screens: each with the roles that may see it (those its API operations allow) and, for
// the navigation, its label. Registered with the shared router (web/src/router.ts).
import type { ComponentChildren } from 'preact';
import { registerRoute, type Params } from '../router';
import { T } from '../text';
import { EmbedScreen } from './admin/Embed';
import { IntegrationScreen } from './admin/Integration';
import { StaffScreen } from './admin/Staff';
import { TemplatesScreen } from './admin/Templates';
import { CaseScreen } from './case/CaseScreen';
import { CaseGroupsScreen } from './case/CaseGroupsScreen';
import { EventScreen } from './events/EventScreen';
import { EventsScreen } from './events/EventsScreen';
import { IncidentScreen } from './incidents/IncidentScreen';
import { IncidentsScreen } from './incidents/IncidentsScreen';
import { PagesScreen } from './pages/PagesScreen';
import { Dashboards } from './monitoring/Dashboards';
import { Queue } from './queue/Queue';
import type { StaffRole } from './session';
import { useMe } from './useMe';
import { Supervision } from './supervisor/Supervision';

export interface ConsoleScreen {
  pattern: string;
  roles: readonly StaffRole[];
  nav?: string;
  render: (p: Params) => ComponentChildren;
}

const ALL: readonly StaffRole[] = ['operator', 'supervisor', 'administrator'];
const C = T.console.nav;

export const SCREENS: ConsoleScreen[] = [
  { pattern: '/queue', roles: ALL, nav: C.queue, render: () => <Queue /> },
  { pattern: '/cases/:caseId', roles: ALL, render: (p) => <CaseScreen caseId={p.caseId} /> },
  { pattern: '/case-groups', roles: ALL, render: () => <CaseGroupsScreen /> },
  { pattern: '/supervision', roles: ['supervisor', 'administrator'], nav: C.supervision, render: () => <Supervision /> },
  { pattern: '/incidents', roles: ALL, nav: C.incidents, render: () => <IncidentsScreen /> },
  { pattern: '/incidents/:incidentId', roles: ALL, render: (p) => <IncidentScreen incidentId={p.incidentId} /> },
  { pattern: '/events', roles: ALL, nav: C.events, render: () => <EventsScreen /> },
  { pattern: '/events/:eventId', roles: ALL, render: (p) => <EventScreen eventId={p.eventId} /> },
  { pattern: '/templates', roles: ['operator', 'administrator'], nav: C.templates, render: () => <TemplatesScreen /> },
  { pattern: '/staff', roles: ['administrator'], nav: C.staff, render: () => <StaffScreen /> },
  { pattern: '/embed', roles: ['administrator'], nav: C.embed, render: () => <EmbedScreen /> },
  { pattern: '/integration', roles: ['operator', 'administrator'], nav: C.integration, render: () => <IntegrationScreen /> },
  { pattern: '/pages', roles: ALL, nav: C.pages, render: () => <PagesScreen /> },
  // Analysts read the monitoring and nothing else; operators see its readiness and problem tabs.
  { pattern: '/dashboards', roles: [...ALL, 'analyst'], nav: C.dashboards, render: () => <Dashboards /> },
  { pattern: '/dashboards/:tab', roles: [...ALL, 'analyst'], render: (p) => <Dashboards tab={p.tab} /> },
];

export function registerConsoleRoutes(): void {
  for (const s of SCREENS) registerRoute({ pattern: s.pattern, render: s.render });
  registerRoute({ pattern: '/', render: () => <Home /> });
}

/** The first screen: the queue, or the monitoring for an analyst (who has no queue). */
function Home() {
  const me = useMe();
  if (!me) return null;
  return me.role === 'analyst' ? <Dashboards /> : <Queue />;
}

export function screenFor(pattern: string): ConsoleScreen | undefined {
  return SCREENS.find((s) => s.pattern === pattern);
}
