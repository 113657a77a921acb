// The list of keyboard shortcuts, as a modal dialog (the native <dialog>: focus kept inside, Esc closes).
import { useEffect, useRef } from 'preact/hooks';
import { Button } from '../components/ui';
import { T } from '../text';

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    d.showModal();
    return () => d.close();
  }, []);
  const S = T.console.shortcuts;
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="shortcuts-title" onClose={onClose} data-testid="shortcuts">
      <h2 id="shortcuts-title">{S.title}</h2>
      <dl class="shortcuts">
        {S.list.map(([k, what]) => <><dt><kbd>{k}</kbd></dt><dd>{what}</dd></>)}
      </dl>
      <Button kind="secondary" onClick={onClose}>{S.close}</Button>
    </dialog>
  );
}
