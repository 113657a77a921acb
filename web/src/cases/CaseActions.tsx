// What the applicant does on a case: reply to a clarification request, and rate the answer, with what a
// low rating does said before rating. Each action is sent with one Idempotency-Key per try of the form.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type CaseDetail } from '../api';
import { TextArea } from '../components/Field';
import { Button, Notice } from '../components/ui';
import { errorsOf, FORM, type FieldErrors } from '../problems';
import { T } from '../text';

const newKey = () => `web-${crypto.randomUUID()}`;

export function ClarificationReply({ c, onDone }: { c: CaseDetail; onDone: (c: CaseDetail) => void }) {
  const [text, setText] = useState('');
  const [key] = useState(newKey);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return setErrors({ '/text': T.fieldErrors.required });
    setBusy(true);
    try {
      onDone(await call(() => api.POST('/cases/{caseId}/clarification-reply', {
        params: { path: { caseId: c.id }, header: { 'Idempotency-Key': key } }, body: { text: text.trim() },
      })));
    } catch (err) {
      setErrors(errorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={send} noValidate aria-labelledby="clarification-title">
      <h2 id="clarification-title">{T.cases.clarificationTitle}</h2>
      <blockquote class="quote">{c.clarification?.question}</blockquote>
      {errors[FORM] && <Notice kind="error">{errors[FORM]}</Notice>}
      <TextArea id="clarification-text" label={T.cases.clarificationReply} value={text} maxLength={10000} required rows={4}
        error={errors['/text']} onInput={setText} />
      <Button type="submit" busy={busy}>{T.cases.clarificationSend}</Button>
    </form>
  );
}

function useThreshold(regionId: string): number {
  const [threshold, setThreshold] = useState(2);
  useEffect(() => {
    call(() => api.GET('/regions/{regionId}/profile', { params: { path: { regionId } } })).then((p) => setThreshold(p.negativeRatingThreshold), () => undefined);
  }, [regionId]);
  return threshold;
}

export function Rating({ c, onDone }: { c: CaseDetail; onDone: (c: CaseDetail) => void }) {
  const threshold = useThreshold(c.regionId);
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [key] = useState(newKey);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    if (rating === null) return setErrors({ '/rating': T.fieldErrors.required });
    setBusy(true);
    try {
      onDone(await call(() => api.POST('/cases/{caseId}/rating', {
        params: { path: { caseId: c.id }, header: { 'Idempotency-Key': key } }, body: { rating, comment: comment.trim() || undefined },
      })));
    } catch (err) {
      setErrors(errorsOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={send} noValidate aria-labelledby="rating-title">
      <h2 id="rating-title">{T.cases.ratingTitle}</h2>
      <Notice kind="info" id="rating-low">{T.cases.ratingLow(threshold)}</Notice>
      {errors[FORM] && <Notice kind="error">{errors[FORM]}</Notice>}
      <fieldset class="group rating" aria-describedby={`rating-low${errors['/rating'] ? ' rating-error' : ''}`}>
        <legend>{T.cases.ratingLegend}</legend>
        <div class="rating__options">{[1, 2, 3, 4, 5].map((n) => (
          <span class="rating__option">
            <input type="radio" id={`rating-${n}`} name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} />
            <label for={`rating-${n}`}>{n} <span class="hint">{T.cases.ratingNames[n]}</span></label>
          </span>
        ))}</div>
        {errors['/rating'] && <p class="error" id="rating-error">{errors['/rating']}</p>}
      </fieldset>
      <TextArea id="rating-comment" label={T.cases.ratingComment} value={comment} maxLength={2000} rows={3}
        error={errors['/comment']} onInput={setComment} />
      <Button type="submit" busy={busy}>{T.cases.ratingSend}</Button>
    </form>
  );
}
