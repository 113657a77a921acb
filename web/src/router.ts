// A small router over the URL fragment (/app#/cases/22-2026-000001): the server serves one page, and the
// embedded form keeps its own routes inside its frame. Modules register their screens; the app renders
// whichever matches. Patterns are paths with :params, e.g. '/cases/:caseId'.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type Params = Record<string, string>;
export interface Route {
  pattern: string;
  render: (params: Params) => ComponentChildren;
  /** Shown in the navigation, in this order. */
  nav?: { label: string; order: number };
}

const routes: Route[] = [];

export function registerRoute(route: Route): void {
  routes.push(route);
}

export function navRoutes(): Route[] {
  return routes.filter((r) => r.nav).sort((a, b) => a.nav!.order - b.nav!.order);
}

function match(pattern: string, path: string): Params | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

export function currentPath(): string {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  return path === '' ? '/' : path;
}

/** The query of the fragment (#/queue?open=true → "open=true"): a screen's own state, e.g. its filters. */
export function currentSearch(): string {
  const i = location.hash.indexOf('?');
  return i < 0 ? '' : location.hash.slice(i + 1);
}

/** The fragment's query, re-rendering when it changes. */
export function useSearch(): string {
  const [search, setSearch] = useState(currentSearch());
  useEffect(() => {
    const onChange = () => setSearch(currentSearch());
    addEventListener('hashchange', onChange);
    onChange();
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return search;
}

export function resolve(path: string): { route: Route; params: Params } | null {
  for (const route of routes) {
    const params = match(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

export function href(path: string): string {
  return `#${path}`;
}

export function navigate(path: string): void {
  location.hash = path;
}

/** The current fragment path, re-rendering on every change. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const onChange = () => setPath(currentPath());
    addEventListener('hashchange', onChange);
    // The fragment may have changed between the first render and this effect (a link followed at once).
    onChange();
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return path;
}
