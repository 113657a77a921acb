// A webhook receiver for the tests: a real local HTTP server that checks each request's signature with
// the subscription's secret and the timestamp window (as docs/webhooks.md tells integrators to), records
// what came, and answers as told: succeed, fail the next N requests, or fail every request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../domain/outbound/webhook/signature';

export interface ReceivedWebhook {
  deliveryId: string | undefined;
  eventType: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  json: any;
  /** The signature and timestamp checked out. */
  verified: boolean;
  /** Why verification failed, if it did. */
  reason?: string;
  /** What the receiver answered. */
  status: number;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order. */
  received: ReceivedWebhook[];
  /** Requests answered 2xx (verified, not failed on purpose). */
  accepted(): ReceivedWebhook[];
  /** The secret to verify with (from the subscription's creation or rotation). */
  useSecret(secret: string): void;
  /** Answer the next `n` verified requests with `status`, then succeed. */
  failNext(n: number, status?: number): void;
  /** Answer every request with `status` until told otherwise. */
  failAlways(status?: number): void;
  succeed(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(opts: { toleranceSeconds?: number } = {}): Promise<WebhookReceiver> {
  let secret: string | null = null;
  let failures = 0;
  let failAlways = false;
  let failStatus = 500;
  const received: ReceivedWebhook[] = [];
  const header = (req: http.IncomingMessage, name: string) => {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = header(req, 'Otklik-Timestamp');
      const signature = header(req, 'Otklik-Signature');
      const check = secret === null
        ? { ok: false as const, reason: 'the receiver has no secret' }
        : verifyWebhookSignature({ secret, body, timestamp, signature, toleranceSeconds: opts.toleranceSeconds });
      let status = 200;
      if (!check.ok) status = 401;
      else if (failAlways) status = failStatus;
      else if (failures > 0) {
        failures--;
        status = failStatus;
      }
      let json: unknown = null;
      try { json = JSON.parse(body); } catch { /* recorded as text */ }
      received.push({
        deliveryId: header(req, 'Otklik-Webhook-Id'), eventType: header(req, 'Otklik-Event-Type'), timestamp, signature,
        body, json, verified: check.ok, ...(check.ok ? {} : { reason: check.reason }), status, at: Date.now(),
      });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : status === 401 ? `rejected: ${check.ok ? '' : check.reason}` : 'failing on purpose');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300),
    useSecret: (s) => { secret = s; },
    failNext: (n, status = 500) => { failures = n; failStatus = status; failAlways = false; },
    failAlways: (status = 503) => { failAlways = true; failStatus = status; },
    succeed: () => { failAlways = false; failures = 0; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
