// The organisation's answer templates: operators read them (they use them on the case page),
// administrators add, change and remove them. Placeholders are listed; the case fills them.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { TextArea } from '../../components/Field';
import { Button, Loading, Notice } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice, Input } from '../components';
import { failure, useLoad, type Failure } from '../data';
import { useMe } from '../useMe';
import { OrgPicker, useOrganisationChoice } from './OrgPicker';

const P = T.console.templates;
type Template = Schemas['AnswerTemplate'];

export function TemplatesScreen() {
  const me = useMe();
  const [organisationId, setOrg] = useOrganisationChoice(me);
  const list = useLoad(async () => (organisationId
    ? (await call(() => api.GET('/organisations/{organisationId}/answer-templates', { params: { path: { organisationId } } }))).items : []), [organisationId]);
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const admin = me?.role === 'administrator';
  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">{P.title}</h1>
      <p class="hint">{P.intro}</p>
      <OrgPicker me={me} value={organisationId} onChange={setOrg} />
      {list.error ? <Notice kind="error">{list.error}</Notice> : !list.data ? <Loading /> : (
        <>
          {organisationId && list.data.length === 0 && <p class="empty-state">{P.empty}</p>}
          <ul class="case-list" data-testid="templates">
            {list.data.map((t) => (
              <li class="case-row">
                <h2>{t.title}</h2>
                <p class="prose">{t.text}</p>
                {admin && <div class="actions">
                  <Button kind="secondary" label={P.edit(t.title)} onClick={() => setEditing(t)}>{T.console.edit}</Button>
                  <Button kind="link" onClick={() => void call(() => api.DELETE('/organisations/{organisationId}/answer-templates/{templateId}', { params: { path: { organisationId, templateId: t.id } } })).then(list.reload, list.reload)}>{T.console.remove}</Button>
                </div>}
              </li>
            ))}
          </ul>
        </>
      )}
      {admin && organisationId && (editing
        ? <TemplateForm organisationId={organisationId} template={editing === 'new' ? null : editing} onDone={() => { setEditing(null); list.reload(); }} />
        : <Button onClick={() => setEditing('new')}>{P.add}</Button>)}
    </section>
  );
}

function TemplateForm({ organisationId, template, onDone }: { organisationId: string; template: Template | null; onDone: () => void }) {
  const [title, setTitle] = useState(template?.title ?? '');
  const [text, setText] = useState(template?.text ?? '');
  const [fail, setFail] = useState<Failure | null>(null);
  const submit = async () => {
    const body = { title: title.trim(), text: text.trim() };
    try {
      if (template) await call(() => api.PUT('/organisations/{organisationId}/answer-templates/{templateId}', { params: { path: { organisationId, templateId: template.id } }, body }));
      else await call(() => api.POST('/organisations/{organisationId}/answer-templates', { params: { path: { organisationId } }, body }));
      onDone();
    } catch (e) { setFail(failure(e)); }
  };
  return (
    <form class="card" aria-labelledby="template-form-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="template-form-title">{template ? P.edit(template.title) : P.add}</h2>
      <Input id="template-title" label={P.name} value={title} onInput={setTitle} required />
      <TextArea id="template-text" label={P.text} value={text} onInput={setText} required rows={8} maxLength={10000} />
      <div class="actions"><Button type="submit">{T.console.save}</Button><Button kind="secondary" onClick={onDone}>{T.console.cancel}</Button></div>
      <FailureNotice failure={fail} />
    </form>
  );
}
