// The operator's actions on a case, each with its rule shown before it is tried (case/rules.ts): take,
// answer (with the organisation's templates), redirect, ask for clarification, extend once, leave without
// an answer on a 59-FZ ground. Keys: t, a, r, c, e, l; Esc closes the open form.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, call, type CaseDetail } from '../../api';
import { Notice } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice } from '../components';
import { idempotencyKey } from '../data';
import { useShortcuts } from '../keys';
import { ActionPanel, useActionRun } from './ActionPanel';
import { AnswerForm, ClarifyForm, ExtendForm, LeaveForm, RedirectForm } from './ActionForms';
import { operatorBlock, type OperatorAction } from './rules';

const A = T.console.actions;

export function OperatorActions(p: { c: CaseDetail; organisationName: string | null; onChanged: (c: CaseDetail) => void; onConflict: () => void }) {
  const { c } = p;
  const [open, setOpenOnly] = useState<OperatorAction | null>(null);
  const { run, fail, done, busy, reset } = useActionRun((next) => { setOpenOnly(null); p.onChanged(next); }, p.onConflict);
  const setOpen = (a: OperatorAction | null) => { if (a) reset(); setOpenOnly(a); };
  const path = { caseId: c.id };
  const header = () => ({ 'Idempotency-Key': idempotencyKey() });
  const take = () => void run(() => call(() => api.POST('/cases/{caseId}/take', { params: { path, header: header() } })));
  const openIf = (a: OperatorAction) => () => {
    if (operatorBlock(c, a)) return;
    if (a === 'take') take(); else setOpen(a);
  };
  useShortcuts({
    t: openIf('take'), a: openIf('answer'), r: openIf('redirect'), c: openIf('clarify'), e: openIf('extend'), l: openIf('leave'),
    Escape: () => setOpen(null),
  }, [c, open]);
  const panel = (a: OperatorAction, title: string, rule: string, form?: ComponentChildren) => (
    <ActionPanel id={a} title={title} rule={rule} block={operatorBlock(c, a)} open={open === a} onToggle={(o) => setOpen(o ? a : null)} fail={fail}
      direct={a === 'take' ? take : undefined} busy={busy}>{form}</ActionPanel>
  );
  const cancel = () => setOpen(null);
  return (
    <section class="card" aria-labelledby="actions-title" data-testid="operator-actions">
      <h2 id="actions-title">{T.console.case.actions}</h2>
      {done && <Notice kind="success">{done}</Notice>}
      {open === null && <FailureNotice failure={fail} />}
      {panel('take', A.take, A.takeRule)}
      {panel('answer', A.answer, A.answerRule, <AnswerForm c={c} organisationName={p.organisationName} busy={busy} onCancel={cancel}
        onSubmit={(body) => run(() => call(() => api.POST('/cases/{caseId}/answer', { params: { path, header: header() }, body })))} />)}
      {panel('redirect', A.redirect, A.redirectRule, <RedirectForm c={c} busy={busy} onCancel={cancel}
        onSubmit={(body) => run(() => call(() => api.POST('/cases/{caseId}/redirect', { params: { path, header: header() }, body })))} />)}
      {panel('clarify', A.clarify, A.clarifyRule, <ClarifyForm busy={busy} onCancel={cancel}
        onSubmit={(body) => run(() => call(() => api.POST('/cases/{caseId}/clarification-request', { params: { path, header: header() }, body })))} />)}
      {panel('extend', A.extend, A.extendRule(30), <ExtendForm busy={busy} onCancel={cancel}
        onSubmit={(body) => run(() => call(() => api.POST('/cases/{caseId}/extension', { params: { path, header: header() }, body })))} />)}
      {panel('leave', A.leave, A.leaveRule, <LeaveForm busy={busy} onCancel={cancel}
        onSubmit={(body) => run(() => call(() => api.POST('/cases/{caseId}/leave-without-answer', { params: { path, header: header() }, body })))} />)}
    </section>
  );
}
