// Load generation shared by the measurements: citizens with tokens, appeals on the seeded Altai
// classifier, a keep-alive HTTP client for 127.0.0.1, closed-loop runs and latency statistics.
import http from 'node:http';
import { createUserWithToken } from '../../domain/identity/users';
import type { Db } from '../../db/connection';

export const REGION = 'altai';

export interface Load {
  apiUrl: string;
  runId: string;
  citizens: string[];
  /** User ids of the citizens, in the order of their tokens (a case's applicant rates its answer). */
  citizenIds: number[];
  supervisor: string;
  subcategories: string[];
  territories: string[];
  agent: http.Agent;
  /** Next Idempotency-Key number: each submission has a key of its own. */
  seq: number;
}

/** Citizens (tokens through api/auth like `npm run users`), a supervisor of Altai, and the seeded classifier. */
export async function prepareLoad(db: Db, apiUrl: string, opts: { citizens: number }): Promise<Load> {
  const citizens: string[] = [];
  const citizenIds: number[] = [];
  for (let i = 0; i < opts.citizens; i++) {
    const { user, token } = await createUserWithToken(db, { role: 'citizen', name: `Житель ${i + 1}`, email: `bench${i + 1}@example.org`, label: 'bench' });
    citizens.push(token);
    citizenIds.push(user.id);
  }
  const supervisor = (await createUserWithToken(db, { role: 'supervisor', name: 'Супервизор (бенчмарк)', regionId: REGION, label: 'bench' })).token;
  const subcategories = (await db('categories').where({ region_id: REGION }).whereNotNull('parent_id').orderBy('id').pluck('id')) as string[];
  const territories = (await db('territories').where({ region_id: REGION }).whereNot({ kind: 'region' }).orderBy('id').pluck('id')) as string[];
  if (subcategories.length === 0) throw new Error(`no seeded subcategories of ${REGION}`);
  return {
    apiUrl, runId: `${Date.now().toString(36)}-${process.pid}`, citizens, citizenIds, supervisor, subcategories, territories,
    agent: new http.Agent({ keepAlive: true, maxSockets: Infinity }),
    seq: 0,
  };
}

export interface HttpResult {
  status: number;
  body: any;
  ms: number;
}

/** One JSON request to the API under test (127.0.0.1 only: the URL comes from the platform harness). */
export function request(load: Load, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(load.apiUrl + path, {
      method,
      agent: load.agent,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(180_000, () => req.destroy(new Error('no answer in 180 s')));
    req.end(payload);
  });
}

const TEXTS = [
  'Скорая помощь ехала к пожилому соседу больше двух часов.',
  'Во дворе третью неделю не вывозят мусор, контейнеры переполнены.',
  'На остановке нет освещения, вечером опасно ждать автобус.',
  'Не могу записаться к терапевту: запись закрыта на месяц вперёд.',
  'После ремонта трубопровода не восстановлено асфальтовое покрытие.',
];

/** The i-th appeal of the run: subcategories, territories and texts in turn, so every rule kind is exercised. */
export function appealBody(load: Load, i: number): Record<string, unknown> {
  return {
    kind: i % 5 === 4 ? 'message' : 'appeal',
    regionId: REGION,
    subcategoryId: load.subcategories[i % load.subcategories.length],
    ...(load.territories.length ? { territoryId: load.territories[i % load.territories.length] } : {}),
    text: `${TEXTS[i % TEXTS.length]} (обращение ${i + 1} прогона ${load.runId})`,
    applicant: { name: `Житель ${(i % load.citizens.length) + 1}`, email: `bench${(i % load.citizens.length) + 1}@example.org`, postalAddress: 'г. Барнаул, ул. Ленина, 1' },
  };
}

export interface Submission {
  ok: boolean;
  status: number;
  caseId?: string;
  ms: number;
  attempts: number;
}

/**
 * Submits the next appeal: POST /appeals as one of the citizens with an Idempotency-Key of its own.
 * With `retries`, a 503 or a network error is repeated with the same key, as the API asks clients to.
 */
export async function submitNext(load: Load, retries = 0): Promise<Submission> {
  const i = load.seq++;
  const token = load.citizens[i % load.citizens.length];
  const key = `bench-${load.runId}-${i}`;
  const t0 = performance.now();
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    try {
      const r = await request(load, 'POST', '/appeals', token, appealBody(load, i), { 'idempotency-key': key });
      status = r.status;
      if (r.status === 201 || r.status === 200) return { ok: true, status, caseId: r.body?.id, ms: performance.now() - t0, attempts: attempt };
    } catch {
      status = 0;
    }
    const retryable = status === 0 || status === 503 || status === 502 || status === 504;
    if (!retryable || attempt > retries) return { ok: false, status, ms: performance.now() - t0, attempts: attempt };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Set on Ctrl-C: the load loops stop sending, so the run can stop the platform and clean up. */
export const abort = { requested: false };

export interface ClosedLoopResult {
  concurrency: number;
  seconds: number;
  ok: number;
  errors: number;
  retries: number;
  perSecond: number;
  statuses: Record<string, number>;
  latency: LatencyStats;
  caseIds: string[];
}

/**
 * C clients, each sending its next request as soon as the previous one is answered, until `count`
 * requests are done or `seconds` have passed (whichever comes first; in-flight requests are waited for).
 */
export async function closedLoop(
  concurrency: number,
  stop: { count?: number; seconds?: number },
  fire: () => Promise<Submission>,
  onProgress?: (done: number) => void,
): Promise<ClosedLoopResult> {
  const t0 = performance.now();
  const deadline = stop.seconds !== undefined ? t0 + stop.seconds * 1000 : Infinity;
  const count = stop.count ?? Infinity;
  let started = 0;
  let retries = 0;
  const latencies: number[] = [];
  const caseIds: string[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const client = async () => {
    while (started < count && performance.now() < deadline && !abort.requested) {
      started++;
      const s = await fire();
      statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      retries += s.attempts - 1;
      if (s.ok) {
        latencies.push(s.ms);
        if (s.caseId) caseIds.push(s.caseId);
      } else {
        errors++;
      }
      onProgress?.(latencies.length + errors);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - t0) / 1000;
  return {
    concurrency, seconds, ok: latencies.length, errors, retries, perSecond: latencies.length / seconds, statuses,
    latency: latencyStats(latencies), caseIds,
  };
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  /** Answers per second over the time from the first arrival to the last answer. */
  achievedPerSecond: number;
  maxInFlight: number;
  latency: LatencyStats;
  caseIds: string[];
}

/**
 * Open loop: `count` requests sent at a fixed `rate` per second whatever the answers do (a request is
 * never held back because an earlier one is slow). Each latency is measured from the moment the request
 * was due to be sent, so a stall in the sender counts against the figure rather than hiding it (no
 * coordinated omission).
 */
export async function openLoop(rate: number, count: number, fire: () => Promise<Submission>): Promise<OpenLoopResult> {
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const caseIds: string[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count && !abort.requested; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(fire().then((s) => {
      inFlight--;
      statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      if (s.ok) {
        latencies.push(performance.now() - due);
        if (s.caseId) caseIds.push(s.caseId);
      } else {
        errors++;
      }
    }));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  return {
    sent: pending.length, ok: latencies.length, errors, statuses, achievedPerSecond: round2(latencies.length / seconds),
    maxInFlight, latency: latencyStats(latencies), caseIds,
  };
}

export interface LatencyStats {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles of all samples (exact: every sample is kept). */
export function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : 0);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: s.length,
    meanMs: round(s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0),
    p50Ms: round(at(50)),
    p95Ms: round(at(95)),
    p99Ms: round(at(99)),
    maxMs: round(s.length ? s[s.length - 1] : 0),
  };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Read-model check: how many of these cases exist in Postgres, and how many are routed to an organisation. */
export async function readModelCheck(db: Db, caseIds: string[]): Promise<{ submitted: number; present: number; routed: number; withTerm: number }> {
  let present = 0;
  let routed = 0;
  let withTerm = 0;
  for (let i = 0; i < caseIds.length; i += 5000) {
    const chunk = caseIds.slice(i, i + 5000);
    const [row] = await db('cases').whereIn('id', chunk).select(
      db.raw('count(*)::int as present'),
      db.raw('count(organisation_id)::int as routed'),
      db.raw('count(answer_due_at)::int as with_term'),
    );
    present += row.present;
    routed += row.routed;
    withTerm += row.with_term;
  }
  return { submitted: caseIds.length, present, routed, withTerm };
}
