// The forms of the operator's actions. Each keeps its own fields and hands the request body to the panel,
// which sends it; the first field takes the focus when the form opens (the shortcut lands in it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, call, type CaseDetail, type Schemas } from '../../api';
import { TextArea } from '../../components/Field';
import { Button } from '../../components/ui';
import { formatDate } from '../../format';
import { T } from '../../text';
import { useTimeZone } from '../../cases/regions';
import { Input, Select } from '../components';
import { useLoad, useOrganisations } from '../data';
import { fillTemplate } from './fill';

const A = T.console.actions;

interface FormProps<B> { busy: boolean; onCancel: () => void; onSubmit: (body: B) => Promise<boolean> }

function useFirstFocus(selector = 'select, textarea, input') {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => { ref.current?.querySelector<HTMLElement>(selector)?.focus(); }, []);
  return ref;
}

function FormButtons({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  return (
    <div class="actions">
      <Button type="submit" busy={busy}>{A.send}</Button>
      <Button kind="secondary" onClick={onCancel}>{T.console.cancel}</Button>
    </div>
  );
}

export function AnswerForm(p: FormProps<Schemas['AnswerRequest']> & { c: CaseDetail; organisationName: string | null }) {
  // The text takes the focus: most answers are typed; the template is one Shift+Tab away.
  const ref = useFirstFocus('textarea');
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState('');
  const zone = useTimeZone(p.c.regionId) ?? 'Europe/Moscow';
  const orgId = p.c.organisationId;
  const templates = useLoad(async () => (orgId
    ? (await call(() => api.GET('/organisations/{organisationId}/answer-templates', { params: { path: { organisationId: orgId } } }))).items
    : []), [orgId]);
  const apply = (id: string) => {
    setTemplateId(id);
    const t = templates.data?.find((x) => String(x.id) === id);
    if (!t) return;
    const c = p.c;
    setText(fillTemplate(t.text, {
      applicantName: c.applicant?.name ?? null, caseId: c.id, registeredAt: formatDate(c.registeredAt, zone),
      answerDueAt: c.answerDueAt ? formatDate(c.answerDueAt, zone) : null, today: formatDate(new Date().toISOString(), zone),
      organisationName: p.organisationName,
    }));
  };
  const list = templates.data ?? [];
  return (
    <form ref={ref} onSubmit={(e) => { e.preventDefault(); void p.onSubmit({ text: text.trim() }); }}>
      <Select id="answer-template" label={A.template} value={templateId} onChange={apply}
        hint={list.length === 0 ? A.templatesEmpty : undefined}
        options={[['', A.templateNone], ...list.map((t): [string, string] => [String(t.id), t.title])]} />
      <TextArea id="answer-text" label={A.answerText} value={text} onInput={setText} required rows={10} maxLength={10000} />
      <FormButtons busy={p.busy} onCancel={p.onCancel} />
    </form>
  );
}

export function RedirectForm(p: FormProps<Schemas['RedirectRequest']> & { c: CaseDetail }) {
  const ref = useFirstFocus();
  const [organisationId, setOrg] = useState('');
  const [reason, setReason] = useState('');
  const orgs = useOrganisations(p.c.regionId).filter((o) => o.id !== p.c.organisationId && o.active);
  return (
    <form ref={ref} onSubmit={(e) => { e.preventDefault(); void p.onSubmit({ organisationId, reason: reason.trim() }); }}>
      <Select id="redirect-org" label={A.redirectTo} value={organisationId} onChange={setOrg} required
        options={[['', A.chooseOrganisation], ...orgs.map((o): [string, string] => [o.id, o.name])]} />
      <TextArea id="redirect-reason" label={A.reason} value={reason} onInput={setReason} required rows={3} maxLength={2000} />
      <FormButtons busy={p.busy} onCancel={p.onCancel} />
    </form>
  );
}

export function ClarifyForm(p: FormProps<Schemas['ClarificationRequest']>) {
  const ref = useFirstFocus();
  const [question, setQuestion] = useState('');
  return (
    <form ref={ref} onSubmit={(e) => { e.preventDefault(); void p.onSubmit({ question: question.trim() }); }}>
      <TextArea id="clarify-question" label={A.question} value={question} onInput={setQuestion} required rows={4} maxLength={10000} />
      <FormButtons busy={p.busy} onCancel={p.onCancel} />
    </form>
  );
}

export function ExtendForm(p: FormProps<Schemas['ExtensionRequest']>) {
  const ref = useFirstFocus();
  const [days, setDays] = useState('30');
  const [reason, setReason] = useState('');
  return (
    <form ref={ref} onSubmit={(e) => { e.preventDefault(); void p.onSubmit({ days: Number(days), reason: reason.trim() }); }}>
      <Input id="extend-days" label={A.days} type="number" min={1} max={30} value={days} onInput={setDays} required />
      <TextArea id="extend-reason" label={A.reason} value={reason} onInput={setReason} required rows={3} maxLength={2000} />
      <FormButtons busy={p.busy} onCancel={p.onCancel} />
    </form>
  );
}

export function LeaveForm(p: FormProps<Schemas['LeaveWithoutAnswerRequest']>) {
  const ref = useFirstFocus();
  const [ground, setGround] = useState('');
  const [comment, setComment] = useState('');
  const grounds = Object.entries(T.noAnswerGround);
  return (
    <form ref={ref} onSubmit={(e) => { e.preventDefault(); void p.onSubmit({ ground: ground as Schemas['NoAnswerGround'], comment: comment.trim() }); }}>
      <Select id="leave-ground" label={A.ground} value={ground} onChange={setGround} required options={[['', A.chooseGround], ...grounds]} />
      <TextArea id="leave-comment" label={A.comment} value={comment} onInput={setComment} required rows={3} maxLength={2000} />
      <FormButtons busy={p.busy} onCancel={p.onCancel} />
    </form>
  );
}
