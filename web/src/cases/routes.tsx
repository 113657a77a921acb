// "My cases": the list and a case's page, in the frame and on the app's own page alike.
import { registerRoute } from '../router';
import { T } from '../text';
import { CasePage } from './CasePage';
import { MyCases } from './MyCases';

export function registerCaseRoutes(): void {
  registerRoute({ pattern: '/cases', render: () => <MyCases />, nav: { label: T.nav.myCases, order: 20 } });
  registerRoute({ pattern: '/cases/:caseId', render: (p) => <CasePage caseId={p.caseId} /> });
  // The app's own page starts at the applicant's cases; the form is /form/{organisationId} or the frame.
  registerRoute({ pattern: '/', render: () => <MyCases /> });
}
