// The form: loads the organisation's settings (public), keeps the draft as it is typed, asks the person to
// sign in when sending needs it (the draft survives the trip), sends once per draft, and shows the API's
// errors next to their fields.
import { useEffect, useState } from 'preact/hooks';
import { showOrganisationName } from '../App';
import { api, call, type CaseDetail } from '../api';
import { carryIntoNewTab, signedIn, signInInNewTab, startSignIn } from '../auth';
import { TextArea, TextInput } from '../components/Field';
import { Button, Loading, Notice } from '../components/ui';
import { errorsOf, FORM, type FieldErrors } from '../problems';
import { mount } from '../mount';
import { T } from '../text';
import { Attachments } from './Attachments';
import { CategoryPicker } from './CategoryPicker';
import { adoptDraftFromRoute, clearDraft, draftRoute, loadDraft, newDraft, saveDraft, type Draft } from './draft';
import { KindChoice } from './KindChoice';
import { MapPicker } from './MapPicker';
import { localErrors, needsPlace, submissionOf, TEXT_MAX, type EmbedForm } from './model';
import { TerritoryPicker } from './TerritoryPicker';
import { Submitted } from './Submitted';

function useFormSettings(organisationId: string) {
  const [form, setForm] = useState<EmbedForm | null | 'missing'>(null);
  useEffect(() => {
    call(() => api.GET('/embed/{organisationId}/form', { params: { path: { organisationId } } })).then(
      (f) => { setForm(f); showOrganisationName(f.organisation.name); },
      () => setForm('missing'),
    );
  }, [organisationId]);
  return form;
}

/** A draft of the form in an organisation's frame says so; one carried from there to the platform's page keeps it (draftRoute). */
const stamped = (d: Draft): Draft => (mount.mode === 'embed' ? { ...d, channel: 'embed' } : d);

/** The draft of this organisation's form, saved on every change; the signed-in person's name fills an empty one. */
function useDraft(organisationId: string) {
  const [draft, setDraft] = useState<Draft>(() => { adoptDraftFromRoute(organisationId); return stamped(loadDraft(organisationId)); });
  const update = (change: Partial<Draft>) => setDraft((d) => { const next = { ...d, ...change }; saveDraft(organisationId, next); return next; });
  useEffect(() => {
    if (!signedIn()) return;
    call(() => api.GET('/me')).then((me) => setDraft((d) => {
      const next = { ...d, name: d.name || me.name, email: d.email || (me.email ?? '') };
      saveDraft(organisationId, next);
      return next;
    }), () => undefined);
  }, [organisationId]);
  // Signing in from a frame that cannot keep the draft opens the platform's page with the draft along.
  useEffect(() => carryIntoNewTab(() => draftRoute(organisationId, draft)), [organisationId, draft]);
  return { draft, update, reset: () => { clearDraft(organisationId); setDraft(stamped(newDraft())); } };
}

export function FormPage({ organisationId }: { organisationId: string }) {
  const form = useFormSettings(organisationId);
  const { draft, update, reset } = useDraft(organisationId);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sending, setSending] = useState(false);
  const [registered, setRegistered] = useState<CaseDetail | null>(null);
  if (form === null) return <Loading />;
  if (form === 'missing') return <Notice kind="error">{T.form.notFoundOrg}</Notice>;
  if (registered) return <Submitted registered={registered} timeZone={form.region.timeZone} onAnother={() => setRegistered(null)} />;

  const send = async (e: Event) => {
    e.preventDefault();
    if (sending) return;
    // Signing in first: the name and e-mail then come from the person's account.
    if (!signedIn()) return startSignIn();
    const local = localErrors(form, draft);
    setErrors(local);
    if (Object.keys(local).length > 0) return focusFirstError();
    setSending(true);
    try {
      const created = await call(() => api.POST('/appeals', {
        params: { header: { 'Idempotency-Key': draft.idempotencyKey } }, body: submissionOf(form, draft),
      }));
      reset();
      setRegistered(created);
    } catch (err) {
      setErrors(errorsOf(err));
      focusFirstError();
    } finally {
      setSending(false);
    }
  };
  const err = (pointer: string) => errors[pointer];
  return (
    <form class="form" noValidate onSubmit={send} aria-labelledby="form-title">
      <h1 id="form-title">{T.form.title(form.organisation.name)}</h1>
      <p>{T.form.intro}</p>
      {Object.keys(errors).length > 0 && <ErrorSummary errors={errors} />}
      <KindChoice kind={draft.kind} onChange={(kind) => update({ kind })} />
      <CategoryPicker form={form} categoryId={draft.categoryId} subcategoryId={draft.subcategoryId} error={err('/subcategoryId')}
        onChange={(categoryId, subcategoryId) => update({ categoryId, subcategoryId })} />
      <TextArea id="text" label={T.form.text} hint={T.form.textHint} value={draft.text} maxLength={TEXT_MAX} required error={err('/text')}
        counter={(n) => T.form.counter(n, TEXT_MAX)} onInput={(text) => update({ text })} />
      <fieldset class="group">
        <legend>{T.form.place}</legend>
        {needsPlace(form, draft) && (
          <TerritoryPicker territories={form.territories} territoryId={draft.territoryId} error={err('/territoryId')}
            onChange={(territoryId) => update({ territoryId })} />
        )}
        <TextInput id="address" label={T.form.address} hint={T.form.addressHint} value={draft.address} maxLength={1000}
          error={err('/address')} autoComplete="street-address" onInput={(address) => update({ address })} />
        {form.map && <MapPicker tilesUrl={form.map.tilesUrl} attribution={form.map.attribution} value={draft.location} onChange={(location) => update({ location })} />}
      </fieldset>
      <Attachments limits={form.attachments} files={draft.files} error={err('/attachments')} onChange={(files) => update({ files })} />
      <ApplicantFields draft={draft} errors={errors} update={update} />
      {!signedIn() && <Notice kind="info">{signInInNewTab ? T.form.signInNewTab : T.form.signInNeeded}</Notice>}
      <p class="actions">
        <Button type="submit" busy={sending}>{sending ? T.form.sending : signedIn() ? T.form.submit : T.form.signInToSend}</Button>
        <Button kind="secondary" onClick={() => { reset(); setErrors({}); }}>{T.form.reset}</Button>
      </p>
    </form>
  );
}

function ApplicantFields({ draft, errors, update }: { draft: Draft; errors: FieldErrors; update: (c: Partial<Draft>) => void }) {
  const appeal = draft.kind === 'appeal';
  return (
    <fieldset class="group">
      <legend>{T.form.applicant}</legend>
      <TextInput id="applicant-name" label={T.form.name} value={draft.name} maxLength={300} required autoComplete="name"
        error={errors['/applicant/name']} onInput={(name) => update({ name })} />
      <TextInput id="applicant-email" type="email" label={T.form.email} value={draft.email} maxLength={320} required={appeal}
        autoComplete="email" error={errors['/applicant/email']} onInput={(email) => update({ email })} />
      <TextInput id="applicant-postal" label={T.form.postalAddress} hint={T.form.postalAddressHint} value={draft.postalAddress}
        maxLength={1000} autoComplete="street-address" error={errors['/applicant/postalAddress']} onInput={(postalAddress) => update({ postalAddress })} />
    </fieldset>
  );
}

/** Errors above the form: those of no field, and a count for the others (each is also next to its field). */
function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const fields = Object.keys(errors).filter((k) => k !== FORM).length;
  return (
    <Notice kind="error" id="form-errors">
      {errors[FORM] && <p>{errors[FORM]}</p>}
      {fields > 0 && <p>{T.form.errorsTitle}</p>}
    </Notice>
  );
}

function focusFirstError(): void {
  requestAnimationFrame(() => {
    const first = document.querySelector<HTMLElement>('[aria-invalid="true"]') ?? document.getElementById('form-errors');
    first?.focus();
    first?.scrollIntoView({ block: 'center' });
  });
}
