// The sites allowed to embed an organisation's form: how an origin is written, and the frame's policy.
// Pure functions: the same input gives the same output, with no clock, database or network.

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An embedding site's origin as the browser reports it (`https://host[:port]`, lower case, no default
 * port), or null when the text is not one: another scheme, a path, a query, credentials, or plain http
 * anywhere but on this machine (a form that takes people's appeals is framed by https sites only).
 */
export function normaliseEmbedOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) return url.origin;
  return null;
}

/** Whether the page at `origin` may embed a form whose allowed list is `allowed` (both normalised). */
export function embedAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  const normal = origin === undefined ? null : normaliseEmbedOrigin(origin);
  return normal !== null && allowed.includes(normal);
}

/** The CSP frame-ancestors directive of the form's frame: the platform itself and the allowed sites. */
export function frameAncestors(allowed: readonly string[]): string {
  return ["frame-ancestors 'self'", ...allowed].join(' ');
}
