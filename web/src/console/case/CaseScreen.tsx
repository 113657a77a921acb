// One case in the console: status, marks and term, the applicant, the text, the place, the attachments and
// the timeline; then what the person's role may do: an operator's actions (with their rules), similar open
// appeals and their group (SimilarCases), a supervisor's overrides, the audit trail and the workflow in
// the Temporal Web UI.
import { useState } from 'preact/hooks';
import { api, call, type CaseDetail } from '../../api';
import { mainStatus } from '../../cases/status';
import { Badge, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { Marks, RegionDate } from '../components';
import { useLoad } from '../data';
import { useMe } from '../useMe';
import { AuditTrail } from '../supervisor/AuditTrail';
import { Overrides } from '../supervisor/Overrides';
import { WorkflowLink } from '../supervisor/WorkflowLink';
import { CaseFiles } from './CaseFiles';
import { OperatorActions } from './OperatorActions';
import { CaseTimeline } from './CaseTimeline';
import { SimilarCases } from './SimilarCases';

const K = T.console.case;

export function CaseScreen({ caseId }: { caseId: string }) {
  const me = useMe();
  const loaded = useLoad(() => call(() => api.GET('/cases/{caseId}', { params: { path: { caseId } } })), [caseId]);
  const org = useLoad(async () => {
    const id = loaded.data?.organisationId;
    return id ? (await call(() => api.GET('/organisations/{organisationId}', { params: { path: { organisationId: id } } }))).name : null;
  }, [loaded.data?.organisationId]);
  const [auditVersion, setAuditVersion] = useState(0);
  if (loaded.error) return <Notice kind="error">{loaded.error}</Notice>;
  const c = loaded.data;
  if (!c || !me) return <Loading />;
  const changed = (next: CaseDetail) => { loaded.set(next); setAuditVersion((n) => n + 1); };
  const status = mainStatus(c);
  return (
    <article class="case console-case" aria-labelledby="case-title">
      <p><a href={href('/queue')}>← {K.back}</a></p>
      <h1 id="case-title">{c.id}</h1>
      <p class="badges" data-testid="case-status"><Badge tone={status.tone}>{status.label}</Badge><Marks c={c} now={Date.now()} /></p>
      <div class="console-columns console-columns--case">
        <div>
          <CaseFacts c={c} organisationName={org.data ?? null} />
          <h2>{K.text}</h2>
          <p class="prose" data-testid="case-text">{c.text}</p>
          {(c.address || c.location) && (
            <>
              <h2>{K.place}</h2>
              {c.address && <p>{c.address}</p>}
              {c.location && <p>{K.point(c.location.latitude, c.location.longitude)}</p>}
            </>
          )}
          <CaseFiles c={c} />
          {c.clarification && (
            <section class="card"><h2>{K.clarification}</h2><p class="prose">{c.clarification.question}</p>{c.clarification.reply && <p class="quote">{c.clarification.reply}</p>}</section>
          )}
          {c.answer && <section class="card card--success"><h2>{K.answer}</h2><p class="prose" data-testid="case-answer">{c.answer.text}</p></section>}
          <CaseTimeline c={c} />
        </div>
        <div>
          {(me.role === 'operator' || me.role === 'administrator') && (
            <OperatorActions c={c} organisationName={org.data ?? null} onChanged={changed} onConflict={loaded.reload} />
          )}
          <SimilarCases c={c} canAct={me.role === 'operator' || me.role === 'administrator'} onAnswered={loaded.reload} />
          {(me.role === 'supervisor' || me.role === 'administrator') && (
            <>
              <Overrides c={c} onChanged={changed} onConflict={loaded.reload} />
              <WorkflowLink caseId={c.id} />
            </>
          )}
        </div>
      </div>
      {(me.role === 'supervisor' || me.role === 'administrator') && <AuditTrail caseId={c.id} regionId={c.regionId} version={auditVersion} />}
    </article>
  );
}

function CaseFacts({ c, organisationName }: { c: CaseDetail; organisationName: string | null }) {
  return (
    <dl class="facts" aria-label={K.facts}>
      <dt>{K.kind}</dt><dd>{T.console.queue.kinds[c.kind]}</dd>
      <dt>{K.registered}</dt><dd><RegionDate iso={c.registeredAt} regionId={c.regionId} withTime /></dd>
      <dt>{K.due}</dt><dd data-testid="case-due">{c.answerDueAt ? <RegionDate iso={c.answerDueAt} regionId={c.regionId} /> : T.console.queue.noTerm}</dd>
      <dt>{K.organisation}</dt><dd data-testid="case-organisation">{organisationName ?? c.organisationId ?? T.console.none}</dd>
      {c.externalNumber && <><dt>{K.external}</dt><dd>{c.externalNumber}</dd></>}
      {c.applicant && (
        <>
          <dt>{K.applicant}</dt><dd>{c.applicant.name ?? T.console.none}</dd>
          {c.applicant.email && <><dt>{K.email}</dt><dd>{c.applicant.email}</dd></>}
          {c.applicant.postalAddress && <><dt>{K.postalAddress}</dt><dd>{c.applicant.postalAddress}</dd></>}
        </>
      )}
    </dl>
  );
}
