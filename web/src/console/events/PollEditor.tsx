// A poll's questions in the event editor: any number, each single or multiple choice (with at most N
// choices), a scale with its range, or free text; required or optional; options added, removed and
// reordered from the keyboard. Errors of the API stand under their fields (/settings/questions/0/text).
import { T } from '../../text';
import { Input, Select } from '../components';
import { Check, ListEditor } from './ListEditor';
import { EMPTY_QUESTION, type QuestionForm, type QuestionKind } from './settings';

const V = T.console.events.editor;
export type Errors = (pointer: string) => string | undefined;

export function PollEditor({ questions, onChange, error }: { questions: QuestionForm[]; onChange: (q: QuestionForm[]) => void; error: Errors }) {
  return (
    <ListEditor id="poll-questions" label={V.questions} items={questions} onChange={onChange} blank={EMPTY_QUESTION} addLabel={V.addQuestion}>
      {(q, i, set) => <Question q={q} i={i} set={set} error={(f) => error(`/settings/questions/${i}${f}`)} />}
    </ListEditor>
  );
}

function Question({ q, i, set, error }: { q: QuestionForm; i: number; set: (q: QuestionForm) => void; error: Errors }) {
  const id = `q${i + 1}`;
  const put = <K extends keyof QuestionForm>(k: K) => (v: QuestionForm[K]) => set({ ...q, [k]: v });
  return (
    <div class="question-editor">
      <Input id={`${id}-text`} label={V.questionText(i + 1)} value={q.text} onInput={put('text')} required error={error('/text')} />
      <div class="inline-form">
        <Select id={`${id}-kind`} label={V.questionKind} value={q.kind} onChange={(v) => put('kind')(v as QuestionKind)} options={Object.entries(V.questionKinds)} error={error('/kind')} />
        {q.kind === 'multiple' && <Input id={`${id}-max`} type="number" min={1} max={q.options.length} label={V.maxChoices} hint={V.maxChoicesHint} value={q.maxChoices} onInput={put('maxChoices')} error={error('/maxChoices')} />}
        {q.kind === 'scale' && <>
          <Input id={`${id}-min`} type="number" min={-100} max={100} label={V.scaleMin} value={q.scaleMin} onInput={put('scaleMin')} required error={error('/scaleMin')} />
          <Input id={`${id}-max`} type="number" min={-100} max={100} label={V.scaleMax} value={q.scaleMax} onInput={put('scaleMax')} required error={error('/scaleMax')} />
        </>}
        {q.kind === 'text' && <Input id={`${id}-length`} type="number" min={1} max={10000} label={V.maxLength} hint={V.maxLengthHint} value={q.maxLength} onInput={put('maxLength')} error={error('/maxLength')} />}
      </div>
      <Check id={`${id}-required`} label={V.requiredQuestion} checked={q.required} onChange={put('required')} />
      {(q.kind === 'single' || q.kind === 'multiple') && (
        <ListEditor id={`${id}-options`} label={V.optionsOf(i + 1)} items={q.options} onChange={put('options')} blank="" addLabel={V.addOption} min={2}>
          {(text, j, setText) => <Input id={`${id}-o${j + 1}`} label={V.option(j + 1)} value={text} onInput={setText} required error={error(`/options/${j}/text`)} />}
        </ListEditor>
      )}
    </div>
  );
}
