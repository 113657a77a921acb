// A case's audit trail (GET /audit?caseId=): who did what and when, and what it changed (status, handling
// organisation, term: the case before and after the action). The reasons are in the case's timeline.
import { api, call, type Schemas } from '../../api';
import { Loading, Notice } from '../../components/ui';
import { formatDateTime } from '../../format';
import { T } from '../../text';
import { TableWrap } from '../components';
import { useLoad } from '../data';

const K = T.console.case;

export function AuditTrail({ caseId, version }: { caseId: string; version: number }) {
  const audit = useLoad(() => call(() => api.GET('/audit', { params: { query: { caseId } } })), [caseId, version]);
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{K.audit}</h2>
      {audit.error ? <Notice kind="error">{audit.error}</Notice> : !audit.data ? <Loading /> : audit.data.items.length === 0 ? <p>{K.auditEmpty}</p> : (
        <TableWrap label={K.audit}>
          <table class="table" data-testid="audit">
            <thead><tr><th scope="col">{K.auditWhen}</th><th scope="col">{K.auditWho}</th><th scope="col">{K.auditWhat}</th><th scope="col">{K.auditChange}</th></tr></thead>
            <tbody>
              {audit.data.items.map((a) => {
                const summary = (a.details as { summary?: string }).summary;
                return (
                  <tr>
                    <td>{formatDateTime(a.at, 'Europe/Moscow')}</td>
                    <td>{a.actor.name ?? T.console.none} <span class="hint">({T.console.roles[a.actor.role ?? ''] ?? a.actor.role})</span></td>
                    <td>{a.action}{summary && <span class="hint"> — {summary}</span>}</td>
                    <td>{auditChange(a.before ?? null, a.after as AuditState | null)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
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
