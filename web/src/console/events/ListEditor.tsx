// An editable list of the event editor (a poll's questions and options, a vote's projects, a draft's
// points): each item numbered, with buttons to move it up or down and to remove it, and one to add an
// item. Keyboard first: Alt+↑ / Alt+↓ inside an item move it, and the focus follows the moved item.
import type { ComponentChildren } from 'preact';
import { T } from '../../text';
import { moved } from './settings';

const V = T.console.events.editor;

export function ListEditor<I>(p: {
  id: string; label: string; items: I[]; onChange: (items: I[]) => void; blank: I; addLabel: string; min?: number;
  children: (item: I, i: number, set: (item: I) => void) => ComponentChildren;
}) {
  const min = p.min ?? 1;
  const move = (from: number, to: number, button: 'up' | 'down') => {
    if (to < 0 || to >= p.items.length) return;
    p.onChange(moved(p.items, from, to));
    setTimeout(() => {
      const [first, other] = [button, button === 'up' ? 'down' : 'up'].map((b) => document.getElementById(`${p.id}-${to}-${b}`) as HTMLButtonElement | null);
      (first && !first.disabled ? first : other)?.focus();
    }, 0);
  };
  const remove = (i: number) => {
    p.onChange(p.items.filter((_, j) => j !== i));
    setTimeout(() => document.getElementById(`${p.id}-add`)?.focus(), 0);
  };
  const add = () => {
    p.onChange([...p.items, p.blank]);
    setTimeout(() => (document.querySelector(`#${p.id}-${p.items.length} :is(input, textarea, select)`) as HTMLElement | null)?.focus(), 0);
  };
  return (
    <fieldset class="group list-editor" id={p.id}>
      <legend>{p.label}</legend>
      <p class="hint">{V.reorderHint}</p>
      <ol class="list-editor__items">
        {p.items.map((item, i) => (
          <li id={`${p.id}-${i}`} class="list-editor__item"
            onKeyDown={(e) => { if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) { e.preventDefault(); move(i, e.key === 'ArrowUp' ? i - 1 : i + 1, e.key === 'ArrowUp' ? 'up' : 'down'); } }}>
            {p.children(item, i, (next) => p.onChange(p.items.map((x, j) => (j === i ? next : x))))}
            <div class="list-editor__tools">
              <button type="button" id={`${p.id}-${i}-up`} class="button button--link" disabled={i === 0} aria-label={V.up(p.label, i + 1)} onClick={() => move(i, i - 1, 'up')}>↑ {V.upShort}</button>
              <button type="button" id={`${p.id}-${i}-down`} class="button button--link" disabled={i === p.items.length - 1} aria-label={V.down(p.label, i + 1)} onClick={() => move(i, i + 1, 'down')}>↓ {V.downShort}</button>
              <button type="button" class="button button--link" disabled={p.items.length <= min} aria-label={V.remove(p.label, i + 1)} onClick={() => remove(i)}>✕ {V.removeShort}</button>
            </div>
          </li>
        ))}
      </ol>
      <button type="button" id={`${p.id}-add`} class="button button--secondary" onClick={add}>+ {p.addLabel}</button>
    </fieldset>
  );
}

/** A labelled checkbox. */
export function Check(p: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void; hint?: string }) {
  return (
    <div class="check">
      <input id={p.id} type="checkbox" checked={p.checked} aria-describedby={p.hint ? `${p.id}-hint` : undefined} onChange={(e) => p.onChange((e.currentTarget as HTMLInputElement).checked)} />
      <label for={p.id}>{p.label}</label>
      {p.hint && <p class="hint" id={`${p.id}-hint`}>{p.hint}</p>}
    </div>
  );
}
