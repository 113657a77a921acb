// One action on a case: its title and rule, always shown; when it fits the case now, a button (or its
// shortcut) opens its form; when it does not, why not. The form's submit runs the call: a conflict (409,
// someone acted meanwhile) reloads the case and says so; other refusals are shown by the form.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { CaseDetail } from '../../api';
import { Button } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice } from '../components';
import { failure, type Failure } from '../data';

export interface ActionRun {
  /** Runs the call; true when it succeeded. */
  (request: () => Promise<CaseDetail>): Promise<boolean>;
}

export function useActionRun(onChanged: (c: CaseDetail) => void, onConflict: () => void): {
  run: ActionRun; fail: Failure | null; done: string | null; busy: boolean; reset: () => void;
} {
  const [fail, setFail] = useState<Failure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run: ActionRun = async (request) => {
    setBusy(true); setFail(null); setDone(null);
    try {
      onChanged(await request());
      setDone(T.console.actions.done);
      return true;
    } catch (e) {
      const f = failure(e);
      setFail(f);
      if (f.kind === 'conflict') onConflict();
      return false;
    } finally {
      setBusy(false);
    }
  };
  /** Another action opens: the last one's outcome is no longer news. */
  const reset = () => { setFail(null); setDone(null); };
  return { run, fail, done, busy, reset };
}

export function ActionPanel(p: {
  id: string; title: string; rule: string; block: string | null; open: boolean; onToggle: (open: boolean) => void;
  /** Actions without a form (take) run at once. */
  direct?: () => void; busy?: boolean; children?: ComponentChildren; fail?: Failure | null;
}) {
  return (
    <section class={`action${p.block ? ' action--blocked' : ''}`} aria-labelledby={`${p.id}-title`} data-action={p.id}>
      <h3 id={`${p.id}-title`}>{p.title}</h3>
      <p class="hint">{p.rule}</p>
      {p.block ? <p class="action__block">{T.console.actions.unavailable(p.block)}</p>
        : p.direct ? <Button onClick={p.direct} busy={p.busy}>{p.title}</Button>
        : p.open ? <div class="action__form">{p.children}</div>
        : <Button kind="secondary" onClick={() => p.onToggle(true)}>{p.title}</Button>}
      {p.open && <FailureNotice failure={p.fail ?? null} />}
    </section>
  );
}
