// An HTTP double of the social networks' APIs, running in the test process: VK's wall.post (which, like
// VK, recognises a repeated `guid` and answers with the first post), Telegram's sendMessage and OK's
// mediatopic.post. It keeps the posts it accepted and every call it got, and answers as told: fail the
// next calls with an HTTP status or an API error, or accept the next post and hold its answer back (the
// answer a crash loses).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const DOUBLE_TOKENS = { vk: 'vk-test-token', telegram: '123:tg-test-token', ok: 'ok-test-token' } as const;

export interface DoublePost {
  network: 'vk' | 'telegram' | 'ok';
  page: string;
  text: string;
  postId: string;
  guid: string | null;
}

export interface DoubleCall {
  network: DoublePost['network'];
  params: Record<string, string>;
  /** What the double did: posted, repeated (a known guid), failed, held. */
  outcome: 'posted' | 'repeated' | 'failed' | 'held' | 'unauthorised';
  at: number;
}

type Plan = { kind: 'http'; status: number } | { kind: 'api'; code: number; message: string } | { kind: 'hold' };

export interface NetworkDouble {
  /** Base URLs for OTKLIK_<NETWORK>_API_URL. */
  urls: { vk: string; telegram: string; ok: string };
  posts: DoublePost[];
  calls: DoubleCall[];
  /** The next call answers HTTP `status` (default 503) without posting. */
  failNext(status?: number): void;
  /** The next call answers an API error with this code (VK error_code / Telegram error_code / OK error_code). */
  refuseNext(code: number, message: string): void;
  /** The next call is posted but its answer is held back until close(). */
  holdNext(): void;
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text || '{}');
  return Object.fromEntries(new URLSearchParams(text));
}

export async function startNetworkDouble(): Promise<NetworkDouble> {
  const posts: DoublePost[] = [];
  const calls: DoubleCall[] = [];
  const plans: Plan[] = [];
  const held: http.ServerResponse[] = [];
  let nextId = 100;

  const answer = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /** Posts (or finds the post of a known guid), then answers with `ok` unless the plan says otherwise. */
  function handle(network: DoublePost['network'], params: Record<string, string>, page: string, text: string, guid: string | null,
    res: http.ServerResponse, ok: (post: DoublePost) => unknown, apiError: (code: number, message: string) => [number, unknown]) {
    const plan = plans.shift();
    const record = (outcome: DoubleCall['outcome']) => calls.push({ network, params, outcome, at: Date.now() });
    if (plan?.kind === 'http') { record('failed'); return answer(res, plan.status, { error: 'unavailable' }); }
    if (plan?.kind === 'api') { record('failed'); const [s, b] = apiError(plan.code, plan.message); return answer(res, s, b); }
    const known = guid ? posts.find((p) => p.network === network && p.page === page && p.guid === guid) : undefined;
    const post = known ?? { network, page, text, postId: String(nextId++), guid };
    if (!known) posts.push(post);
    if (plan?.kind === 'hold') { record('held'); held.push(res); return; }
    record(known ? 'repeated' : 'posted');
    answer(res, 200, ok(post));
  }

  const server = http.createServer((req, res) => {
    readBody(req).then((params) => {
      const url = req.url ?? '';
      if (url === '/vk/wall.post') {
        if (params.access_token !== DOUBLE_TOKENS.vk) { calls.push({ network: 'vk', params, outcome: 'unauthorised', at: Date.now() }); return answer(res, 200, { error: { error_code: 5, error_msg: 'User authorization failed' } }); }
        return handle('vk', params, params.owner_id, params.message, params.guid ?? null, res,
          (p) => ({ response: { post_id: Number(p.postId) } }), (code, message) => [200, { error: { error_code: code, error_msg: message } }]);
      }
      if (url === `/telegram/bot${DOUBLE_TOKENS.telegram}/sendMessage`) {
        return handle('telegram', params, String(params.chat_id), params.text, null, res,
          (p) => ({ ok: true, result: { message_id: Number(p.postId), chat: { username: String(p.page).replace(/^@/, '') } } }),
          (code, message) => [code, { ok: false, error_code: code, description: message }]);
      }
      if (url === '/ok/fb.do') {
        const attachment = JSON.parse(params.attachment ?? '{}') as { media?: { text?: string }[] };
        return handle('ok', params, params.gid, attachment.media?.[0]?.text ?? '', null, res,
          (p) => p.postId, (code, message) => [200, { error_code: code, error_msg: message }]);
      }
      answer(res, 404, { error: `no such method ${url}` });
    }).catch((e) => answer(res, 400, { error: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: { vk: `${base}/vk`, telegram: `${base}/telegram`, ok: `${base}/ok/fb.do` },
    posts, calls,
    failNext: (status = 503) => { plans.push({ kind: 'http', status }); },
    refuseNext: (code, message) => { plans.push({ kind: 'api', code, message }); },
    holdNext: () => { plans.push({ kind: 'hold' }); },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The environment that points the connectors at the double. */
export function doubleEnv(double: NetworkDouble): Record<string, string> {
  return {
    OTKLIK_VK_API_URL: double.urls.vk, OTKLIK_VK_TOKEN: DOUBLE_TOKENS.vk,
    OTKLIK_TELEGRAM_API_URL: double.urls.telegram, OTKLIK_TELEGRAM_TOKEN: DOUBLE_TOKENS.telegram,
    OTKLIK_OK_API_URL: double.urls.ok, OTKLIK_OK_TOKEN: DOUBLE_TOKENS.ok, OTKLIK_OK_APP_KEY: 'CBAtest', OTKLIK_OK_APP_SECRET: 'secret',
  };
}
