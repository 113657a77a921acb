// Keyboard shortcuts of the console: one listener for the page; screens register the keys they handle
// while they are shown. Keys typed into a field are the field's, except Escape.
import { useEffect } from 'preact/hooks';

type Handler = (e: KeyboardEvent) => void;
const layers: Map<string, Handler>[] = [];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

let pending = '';
addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key !== 'Escape' && typing(e.target)) return;
  const key = pending ? `${pending} ${e.key}` : e.key;
  for (let i = layers.length - 1; i >= 0; i--) {
    const handler = layers[i].get(key);
    if (handler) {
      pending = '';
      e.preventDefault();
      handler(e);
      return;
    }
  }
  // "g" starts a two-key sequence (g q: the queue).
  pending = e.key === 'g' && !pending ? 'g' : '';
});

/** Registers the keys while the component is shown; later registrations win over earlier ones. */
export function useShortcuts(keys: Record<string, Handler>, deps: unknown[]): void {
  useEffect(() => {
    const layer = new Map(Object.entries(keys));
    layers.push(layer);
    return () => {
      layers.splice(layers.indexOf(layer), 1);
    };
  }, deps);
}
