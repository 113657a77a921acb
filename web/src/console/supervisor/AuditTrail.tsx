// A case's audit trail (GET /audit?caseId=): who did what and when, and what it changed (status, handling
// organisation, term: the case before and after the action). The reasons are in the case's timeline.
import { api, call, type Schemas } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { T } from '../../text';
import { RegionDate, TableWrap } from '../components';
import { useLoad } from '../data';

const K = T.console.case;

export function AuditTrail({ caseId, regionId, version }: { caseId: string; regionId: string; version: number }) {
  const audit = useLoad(() => call(() => api.GET('/audit', { params: { query: { caseId } } })), [caseId, version]);
  // Every read of the applicant's data is logged too; the trail shows the actions and counts the reads.
  const actions = audit.data?.items.filter((a) => a.action !== 'case.read_personal_data') ?? [];
  const reads = (audit.data?.items.length ?? 0) - actions.length;
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{K.audit}</h2>
      {audit.error ? <Notice kind="error">{audit.error}</Notice> : !audit.data ? <Loading /> : actions.length === 0 ? <p>{K.auditEmpty}</p> : (
        <>
        <TableWrap label={K.audit}>
          <table class="table" data-testid="audit">
            <thead><tr><th scope="col">{K.auditWhen}</th><th scope="col">{K.auditWho}</th><th scope="col">{K.auditWhat}</th><th scope="col">{K.auditChange}</th></tr></thead>
            <tbody>
              {actions.map((a) => {
                const what = K.auditActions[a.action] ?? (a.details as { summary?: string }).summary ?? a.action;
                return (
                  <tr>
                    <td><RegionDate iso={a.at} regionId={regionId} withTime /></td>
                    <td>{a.actor.name ?? T.console.none} <span class="hint">({T.console.roles[a.actor.role ?? ''] ?? a.actor.role})</span></td>
                    <td data-action={a.action}>{what}</td>
                    <td>{auditChange(a.before ?? null, a.after as AuditState | null)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
        {reads > 0 && <p class="hint">{K.auditReads(reads)}</p>}
        </>
      )}
    </section>
  );
}

type AuditState = Schemas['AuditCaseState'];

/** "status: registered → in_work; organisation: a → b; term: … → …", for the fields the action changed. Pure. */
export function auditChange(before: AuditState | null, after: AuditState | null): string {
  if (!before || !after) return '';
  const parts: string[] = [];
  const status = (x: AuditState['status']) => (x ? (T.status as Record<string, string>)[x] ?? x : '—');
  if (before.status !== after.status) parts.push(`${T.console.queue.status}: ${status(before.status)} → ${status(after.status)}`);
  if (before.organisationId !== after.organisationId) parts.push(`${K.organisation}: ${before.organisationId ?? '—'} → ${after.organisationId ?? '—'}`);
  if (before.answerDueAt !== after.answerDueAt && after.answerDueAt) parts.push(`${K.due}: ${after.answerDueAt.slice(0, 10)}`);
  return parts.join('; ');
}
