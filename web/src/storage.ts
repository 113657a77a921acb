// This tab's storage. A form framed by another site runs in a third-party context, where many browsers
// refuse storage (Safari, Firefox's strict mode, Chromium blocking third-party cookies): there the app
// keeps its state in memory, and signing in goes on in a tab of the platform's own (see auth.ts).
function probe(): Storage | null {
  try {
    const s = window.sessionStorage;
    s.setItem('otklik.probe', '1');
    s.removeItem('otklik.probe');
    return s;
  } catch {
    return null;
  }
}

const real = probe();
const memory = new Map<string, string>();

/** Whether what is stored survives a navigation of this frame or tab (the trip to the identity provider). */
export const storageSurvivesNavigation = real !== null;

export const tabStorage = {
  getItem: (key: string): string | null => (real ? real.getItem(key) : memory.get(key) ?? null),
  setItem: (key: string, value: string): void => { if (real) real.setItem(key, value); else memory.set(key, value); },
  removeItem: (key: string): void => { if (real) real.removeItem(key); else memory.delete(key); },
};
