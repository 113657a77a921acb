// A poll's questions as a form: one fieldset per choice question (radios for a single choice, checkboxes
// up to the maximum for a multiple one, a row of values for a scale) and a text field for a free answer.
// Required questions are checked before sending; the answer is sent once.
import { useState } from 'preact/hooks';
import { api, call } from '../api';
import { TextArea } from '../components/Field';
import { Button, Notice } from '../components/ui';
import { T } from '../text';
import { refusalText } from './common';
import type { MyEvent, PollQuestion } from './model';
import { pollQuestions } from './model';

const P = T.participation;
type Answer = string | string[] | number;
type Answers = Record<string, Answer | undefined>;

const DEFAULT_TEXT_MAX = 2000;

function isEmpty(a: Answer | undefined): boolean {
  return a === undefined || a === '' || (Array.isArray(a) && a.length === 0);
}

/** The message for a question's answer, or undefined when it is acceptable. */
function answerProblem(q: PollQuestion, a: Answer | undefined): string | undefined {
  if (isEmpty(a)) return q.required !== false ? P.poll.needAnswer : undefined;
  if (q.kind === 'multiple' && q.maxChoices && Array.isArray(a) && a.length > q.maxChoices) return P.poll.tooMany(q.maxChoices);
  return undefined;
}

export function PollForm({ e, onDone }: { e: MyEvent; onDone: () => void }) {
  const questions = pollQuestions(e);
  const [answers, setAnswers] = useState<Answers>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (id: string, a: Answer | undefined) => setAnswers((old) => ({ ...old, [id]: a }));
  const send = async (ev: Event) => {
    ev.preventDefault();
    const found: Record<string, string> = {};
    for (const q of questions) {
      const problem = answerProblem(q, answers[q.id]);
      if (problem) found[q.id] = problem;
    }
    setErrors(found);
    const first = questions.find((q) => found[q.id]);
    if (first) return document.getElementById(`q-${first.id}`)?.focus();
    const body: Record<string, Answer> = {};
    for (const q of questions) {
      const a = answers[q.id];
      if (!isEmpty(a)) body[q.id] = typeof a === 'string' ? a.trim() : a!;
    }
    setBusy(true);
    try {
      await call(() => api.POST('/events/{eventId}/responses', { params: { path: { eventId: e.id } }, body: { answers: body } }));
      onDone();
    } catch (err) {
      setRefusal(refusalText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form poll" onSubmit={send} noValidate aria-labelledby="poll-title">
      <h2 id="poll-title">{P.type.poll}</h2>
      <p class="hint">{P.once}</p>
      {Object.keys(errors).length > 0 && <Notice kind="error">{P.errorsTitle}</Notice>}
      {questions.map((q, i) => (
        <Question key={q.id} q={q} n={i + 1} answer={answers[q.id]} error={errors[q.id]} onAnswer={(a) => set(q.id, a)} />
      ))}
      {refusal && <Notice kind="error">{refusal}</Notice>}
      <div class="actions"><Button type="submit" busy={busy}>{P.poll.submit}</Button></div>
    </form>
  );
}

interface QuestionProps { q: PollQuestion; n: number; answer: Answer | undefined; error?: string; onAnswer: (a: Answer | undefined) => void }

function Question(p: QuestionProps) {
  const { q } = p;
  if (q.kind === 'text') {
    const max = q.maxLength ?? DEFAULT_TEXT_MAX;
    return (
      <div class="group" id={`q-${q.id}`} tabIndex={-1}>
        <TextArea
          id={`q-${q.id}-text`} label={`${p.n}. ${q.text}`} required={q.required !== false} value={(p.answer as string) ?? ''}
          maxLength={max} rows={4} error={p.error} hint={q.required === false ? P.poll.optional : undefined}
          counter={(len) => P.poll.counter(len, max)} onInput={(v) => p.onAnswer(v)}
        />
      </div>
    );
  }
  const hint = q.kind === 'multiple' && q.maxChoices ? P.poll.multipleHint(q.maxChoices)
    : q.kind === 'scale' ? P.poll.scaleHint(q.scaleMin ?? 1, q.scaleMax ?? 5) : undefined;
  const describedBy = [hint ? `q-${q.id}-hint` : '', p.error ? `q-${q.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={`group${p.error ? ' field--error' : ''}`} id={`q-${q.id}`} tabIndex={-1} aria-describedby={describedBy} aria-invalid={p.error ? true : undefined}>
      <legend>
        {p.n}. {q.text} <span class="required">{q.required !== false ? P.poll.required : P.poll.optional}</span>
      </legend>
      {hint && <p class="hint" id={`q-${q.id}-hint`}>{hint}</p>}
      {q.kind === 'scale' ? <ScaleChoices {...p} /> : <OptionChoices {...p} />}
      {p.error && <p class="error" id={`q-${q.id}-error`}>{p.error}</p>}
    </fieldset>
  );
}

function OptionChoices({ q, answer, onAnswer }: QuestionProps) {
  const multiple = q.kind === 'multiple';
  const chosen = multiple ? ((answer as string[] | undefined) ?? []) : [];
  return (
    <>
      {(q.options ?? []).map((o) => {
        const id = `q-${q.id}-${o.id}`;
        const checked = multiple ? chosen.includes(o.id) : answer === o.id;
        const toggle = () => onAnswer(multiple ? (checked ? chosen.filter((x) => x !== o.id) : [...chosen, o.id]) : o.id);
        return (
          <div class="choice" key={o.id}>
            <input id={id} type={multiple ? 'checkbox' : 'radio'} name={`q-${q.id}`} checked={checked} onChange={toggle} />
            <label for={id}>{o.text}</label>
          </div>
        );
      })}
    </>
  );
}

function ScaleChoices({ q, answer, onAnswer }: QuestionProps) {
  const min = q.scaleMin ?? 1;
  const max = q.scaleMax ?? 5;
  const values = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <div class="scale">
      {values.map((v) => (
        <label class="scale__value" key={v}>
          <input type="radio" name={`q-${q.id}`} checked={answer === v} onChange={() => onAnswer(v)} />
          <span>{P.poll.scaleValue(v)}</span>
        </label>
      ))}
    </div>
  );
}
