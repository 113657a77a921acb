// Message or appeal: the difference under 59-FZ, and what each asks of the citizen, said before choosing.
import { T } from '../text';
import type { CaseKind } from './model';

export function KindChoice({ kind, onChange }: { kind: CaseKind; onChange: (kind: CaseKind) => void }) {
  const option = (value: CaseKind, label: string, help: string) => (
    <div class="choice">
      <input type="radio" id={`kind-${value}`} name="kind" value={value} checked={kind === value}
        aria-describedby={`kind-${value}-help`} onChange={() => onChange(value)} />
      <label for={`kind-${value}`}>{label}</label>
      <p class="hint" id={`kind-${value}-help`}>{help}</p>
    </div>
  );
  return (
    <fieldset class="group">
      <legend>{T.form.kindLegend}</legend>
      {option('message', T.form.kindMessage, T.form.kindMessageHelp)}
      {option('appeal', T.form.kindAppeal, T.form.kindAppealHelp)}
    </fieldset>
  );
}
