// Small pieces of the console's screens: a select with its label, a labelled date input, the marks of a
// case, an action's result notice, and a table wrapper that scrolls on narrow screens.
import type { ComponentChildren } from 'preact';
import type { CaseSummary } from '../api';
import { useTimeZone } from '../cases/regions';
import { Badge, DateText, Notice } from '../components/ui';
import { Field } from '../components/Field';
import type { Failure } from './data';
import { queueMarks } from './marks';

export function Select(p: {
  id: string; label: string; value: string; onChange: (v: string) => void; options: [string, string][]; required?: boolean; hint?: string; error?: string;
}) {
  return (
    <Field id={p.id} label={p.label} required={p.required} hint={p.hint} error={p.error}>
      {(describedBy, invalid) => (
        <select id={p.id} value={p.value} required={p.required} aria-describedby={describedBy} aria-invalid={invalid || undefined}
          onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}>
          {p.options.map(([v, label]) => <option value={v}>{label}</option>)}
        </select>
      )}
    </Field>
  );
}

export function Input(p: { id: string; label: string; value: string; onInput: (v: string) => void; type?: 'text' | 'number' | 'date' | 'month' | 'datetime-local' | 'email' | 'url'; required?: boolean; hint?: string; error?: string; min?: number; max?: number; step?: number }) {
  return (
    <Field id={p.id} label={p.label} required={p.required} hint={p.hint} error={p.error}>
      {(describedBy, invalid) => (
        <input id={p.id} type={(p.type ?? 'text') as 'text'} value={p.value} required={p.required} min={p.min} max={p.max} step={p.step}
          aria-describedby={describedBy} aria-invalid={invalid || undefined} class="input"
          onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)} />
      )}
    </Field>
  );
}

export function Marks({ c, now }: { c: CaseSummary; now: number }) {
  return <span class="badges">{queueMarks(c, now).map((m) => <span data-mark={m.key}><Badge tone={m.tone}>{m.label}</Badge></span>)}</span>;
}

export function FailureNotice({ failure }: { failure: Failure | null }) {
  if (!failure) return null;
  return <Notice kind="error"><p data-testid={failure.kind === 'conflict' ? 'conflict' : 'failure'}>{failure.text}</p></Notice>;
}

export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}

/** A date (or date and time) in the region's time zone: terms are days of the case's region. */
export function RegionDate({ iso, regionId, withTime }: { iso: string; regionId: string; withTime?: boolean }) {
  const zone = useTimeZone(regionId);
  return zone ? <DateText iso={iso} timeZone={zone} withTime={withTime} /> : <span>…</span>;
}
