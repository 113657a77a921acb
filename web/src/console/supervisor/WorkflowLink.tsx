// The case's workflow in the Temporal Web UI (its address from the server's settings): the workflow id is
// the registration number.
import { api, call } from '../../api';
import { T } from '../../text';
import { useLoad } from '../data';

export function WorkflowLink({ caseId }: { caseId: string }) {
  const settings = useLoad(() => call(() => api.GET('/console/settings')), []);
  if (!settings.data) return null;
  const { temporalUiUrl, temporalNamespace } = settings.data;
  const url = `${temporalUiUrl}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(caseId)}`;
  return (
    <section class="card" aria-labelledby="workflow-title">
      <h2 id="workflow-title">{T.console.case.workflow}</h2>
      <a href={url} target="_blank" rel="noreferrer noopener" data-testid="temporal-link">{T.console.case.workflowLink(caseId)}</a>
    </section>
  );
}
