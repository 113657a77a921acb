// Loading and acting for the console's screens: a loader hook with reload, the organisations and their
// names, and a failed call turned into what the screen says (a conflict is said as such, never swallowed).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, call, type Schemas } from '../api';
import { errorsOf, FORM } from '../problems';
import { T } from '../text';

export interface Loaded<D> {
  data: D | undefined;
  error: string | null;
  reload: () => void;
  set: (d: D) => void;
}

export function useLoad<D>(load: () => Promise<D>, deps: unknown[]): Loaded<D> {
  const [data, setData] = useState<D | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((d) => { if (live) { setData(d); setError(null); } }, (e) => { if (live) setError(failure(e).text); });
    return () => { live = false; };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, reload, set: setData };
}

export interface Failure {
  /** conflict: the resource changed meanwhile (409); the screen reloads it and says so. */
  kind: 'conflict' | 'error';
  text: string;
  fields: Record<string, string>;
}

export function failure(e: unknown): Failure {
  const C = T.console;
  if (e instanceof ApiError && (e.status === 409 || e.status === 412)) {
    return { kind: 'conflict', text: `${C.conflict} ${C.conflictDetail(e.problem?.detail ?? e.message)}`, fields: {} };
  }
  if (e instanceof ApiError && (e.status === 422 || e.status === 403 || e.status === 404)) {
    // A 422 may name the fields it is about (an event's schedule outside the region's range): shown next to them.
    const { [FORM]: _none, ...fields } = e.status === 422 && e.problem?.errors?.length ? errorsOf(e) : {};
    return { kind: 'error', text: C.refused(e.problem?.detail ?? e.message), fields };
  }
  const fields = errorsOf(e);
  const { [FORM]: form, ...rest } = fields;
  return { kind: 'error', text: form ?? (e instanceof ApiError ? C.refused(e.problem?.detail ?? e.message) : C.unknownError), fields: rest };
}

/** A fresh Idempotency-Key for one try of an action. */
export function idempotencyKey(): string {
  return `console-${crypto.randomUUID()}`;
}

export type Organisation = Schemas['Organisation'];
const organisations = new Map<string, Promise<Organisation[]>>();

/** The organisations of a region (all regions: ''), asked once per page. */
export function organisationsOf(regionId: string): Promise<Organisation[]> {
  let p = organisations.get(regionId);
  if (!p) {
    p = call(() => api.GET('/organisations', { params: { query: regionId ? { regionId } : {} } })).then((r) => r.items);
    organisations.set(regionId, p);
  }
  return p;
}

export function useOrganisations(regionId: string | undefined): Organisation[] {
  const [list, setList] = useState<Organisation[]>([]);
  useEffect(() => { if (regionId !== undefined) organisationsOf(regionId).then(setList, () => setList([])); }, [regionId]);
  return list;
}
