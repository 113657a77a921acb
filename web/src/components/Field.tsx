// A labelled form control with its hint and its error, tied together for screen readers
// (aria-describedby, aria-invalid). The error is the API's, in Russian, right under the control.
import type { ComponentChildren } from 'preact';
import { T } from '../text';

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  /** Text under the control on the right, e.g. the counter. */
  aside?: ComponentChildren;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

export function Field({ id, label, hint, error, required, aside, children }: FieldProps) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>
        {label} {required && <span class="required">{T.form.required}</span>}
      </label>
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {children(ids, !!error)}
      {aside}
      {error && <p class="error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

interface InputProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  hint?: string;
  error?: string;
  required?: boolean;
  type?: 'text' | 'email' | 'search';
  autoComplete?: string;
  maxLength?: number;
}

export function TextInput(p: InputProps) {
  return (
    <Field id={p.id} label={p.label} hint={p.hint} error={p.error} required={p.required}>
      {(describedBy, invalid) => (
        <input
          id={p.id} type={(p.type ?? 'text') as 'text'} value={p.value} autoComplete={p.autoComplete} maxLength={p.maxLength}
          required={p.required} aria-describedby={describedBy} aria-invalid={invalid || undefined}
          onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

export function TextArea(p: InputProps & { rows?: number; counter?: (n: number) => string }) {
  return (
    <Field
      id={p.id} label={p.label} hint={p.hint} error={p.error} required={p.required}
      aside={p.counter && <p class="counter" id={`${p.id}-counter`} aria-live="polite">{p.counter(p.value.length)}</p>}
    >
      {(describedBy, invalid) => (
        <textarea
          id={p.id} rows={p.rows ?? 6} value={p.value} maxLength={p.maxLength} required={p.required}
          aria-describedby={[describedBy, p.counter ? `${p.id}-counter` : ''].filter(Boolean).join(' ') || undefined}
          aria-invalid={invalid || undefined}
          onInput={(e) => p.onInput((e.currentTarget as HTMLTextAreaElement).value)}
        />
      )}
    </Field>
  );
}
