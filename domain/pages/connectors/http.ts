// One HTTP call of a network's API, shared by the connectors: a timeout, and the answer read as JSON.
// A call that gets no answer (refused, reset, timed out) is a transient failure: the network may be down.

export interface ApiAnswer {
  status: number;
  json: unknown;
}

/** POSTs a form (or JSON when `json` is set) and reads the answer; throws on a network failure or timeout. */
export async function callApi(url: string, body: Record<string, string>, opts: { timeoutMs: number; json?: boolean }): Promise<ApiAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: opts.json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
    signal: AbortSignal.timeout(opts.timeoutMs),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

/** The failure of a call that got no answer. */
export function unanswered(network: string, e: unknown): { status: 'failed'; permanent: false; error: string } {
  const cause = (e as { cause?: { code?: string } })?.cause?.code;
  return { status: 'failed', permanent: false, error: `${network}: no answer (${cause ?? (e instanceof Error ? e.name + ': ' + e.message : String(e))})` };
}

/** An HTTP status that a later attempt may not get: the server's trouble or too many requests. */
export function transientHttp(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
