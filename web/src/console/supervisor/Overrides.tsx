// A supervisor's overrides on a case of their region: reassign, change the term, close, reopen; each asks
// for its reason (required by the API and kept in the audit log), each with its rule shown first.
import { useState } from 'preact/hooks';
import { api, call, type CaseDetail } from '../../api';
import { TextArea } from '../../components/Field';
import { Button, Notice } from '../../components/ui';
import { T } from '../../text';
import { Input, Select } from '../components';
import { idempotencyKey, useOrganisations } from '../data';
import { ActionPanel, useActionRun } from '../case/ActionPanel';
import { supervisorAllowed, type SupervisorAction } from '../case/rules';

const O = T.console.overrides;
const A = T.console.actions;

export function Overrides(p: { c: CaseDetail; onChanged: (c: CaseDetail) => void; onConflict: () => void }) {
  const { c } = p;
  const [open, setOpen] = useState<SupervisorAction | null>(null);
  const [reason, setReason] = useState('');
  const [organisationId, setOrg] = useState('');
  const [due, setDue] = useState('');
  const { run, fail, done, busy, reset } = useActionRun((next) => { setOpen(null); setReason(''); p.onChanged(next); }, p.onConflict);
  const orgs = useOrganisations(c.regionId).filter((o) => o.id !== c.organisationId && o.active);
  const params = () => ({ path: { caseId: c.id }, header: { 'Idempotency-Key': idempotencyKey() } });
  const submit = (a: SupervisorAction) => {
    const r = reason.trim();
    if (a === 'reassign') return run(() => call(() => api.POST('/cases/{caseId}/overrides/reassign', { params: params(), body: { organisationId, reason: r } })));
    // The new term ends at the end of the chosen day in the case's region (the workflow keeps the instant).
    if (a === 'term') return run(() => call(() => api.POST('/cases/{caseId}/overrides/term', { params: params(), body: { answerDueAt: new Date(`${due}T23:59:59`).toISOString(), reason: r } })));
    if (a === 'close') return run(() => call(() => api.POST('/cases/{caseId}/overrides/close', { params: params(), body: { reason: r } })));
    return run(() => call(() => api.POST('/cases/{caseId}/overrides/reopen', { params: params(), body: { reason: r } })));
  };
  const form = (a: SupervisorAction) => (
    <form onSubmit={(e) => { e.preventDefault(); void submit(a); }}>
      {a === 'reassign' && <Select id="reassign-org" label={A.redirectTo} value={organisationId} onChange={setOrg} required
        options={[['', A.chooseOrganisation], ...orgs.map((o): [string, string] => [o.id, o.name])]} />}
      {a === 'term' && <Input id="term-date" type="date" label={O.newTerm} value={due} onInput={setDue} required />}
      <TextArea id={`${a}-reason`} label={A.reason} value={reason} onInput={setReason} required rows={3} maxLength={2000} />
      <div class="actions"><Button type="submit" busy={busy}>{A.send}</Button><Button kind="secondary" onClick={() => setOpen(null)}>{T.console.cancel}</Button></div>
    </form>
  );
  const panel = (a: SupervisorAction, title: string, rule: string) => (
    <ActionPanel id={a} title={title} rule={rule} block={supervisorAllowed(c, a) ? null : A.notOpen} open={open === a} fail={fail}
      onToggle={(o) => { if (o) reset(); setOpen(o ? a : null); setReason(''); }}>{form(a)}</ActionPanel>
  );
  return (
    <section class="card" aria-labelledby="overrides-title" data-testid="overrides">
      <h2 id="overrides-title">{O.title}</h2>
      <p class="hint">{O.rule}</p>
      {done && <Notice kind="success">{done}</Notice>}
      {panel('reassign', O.reassign, O.reassignRule)}
      {panel('term', O.term, O.termRule)}
      {panel('close', O.close, O.closeRule)}
      {panel('reopen', O.reopen, O.reopenRule)}
    </section>
  );
}
