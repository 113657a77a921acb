// Prometheus metrics of the platform (GET /metrics). Two kinds: what the API process measures itself
// (request latency), and what is read from PostgreSQL at scrape time (cases by status and organisation,
// overdue cases, answer terms, webhook deliveries, and failed activity attempts, which the workers count
// in the activity_failures table because they run in other processes). Each app gets its own Registry,
// so that several apps in one process (tests) never share or double-register metrics.
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/connection';

export interface PlatformMetrics {
  registry: Registry;
  /** Records one answered HTTP request; `route` is the spec path (or 'unmatched'). */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text (text/plain; version=0.0.4). */
  exposition(): Promise<string>;
  contentType: string;
}

/** Upper bounds of the share of the answer term used before the answer (1 = answered on the last moment). */
export const TERM_USED_BOUNDS = [0.25, 0.5, 0.75, 1, 1.5, 2] as const;

type Row = Record<string, unknown>;

export function createMetrics(db: Db): PlatformMetrics {
  const registry = new Registry();
  // A scrape during a database outage still answers: the read-model gauges are left empty and this says why.
  new Gauge({
    name: 'otklik_read_model_up',
    help: 'Whether this scrape could read PostgreSQL (1) or not (0).',
    registers: [registry],
    async collect() {
      this.set((await rows('select 1')) ? 1 : 0);
    },
  });

  async function rows(sql: string, bindings: unknown[] = []): Promise<Row[] | null> {
    try {
      return (await db.raw(sql, bindings as never[])).rows as Row[];
    } catch {
      return null;
    }
  }

  const httpDuration = new Histogram({
    name: 'otklik_http_request_duration_seconds',
    help: 'API request duration in seconds, by method, route (the OpenAPI path) and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  new Gauge({
    name: 'otklik_cases',
    help: 'Cases in the read model, by status and handling organisation.',
    labelNames: ['status', 'organisation'] as const,
    registers: [registry],
    async collect() {
      const r = await rows(`select status, coalesce(organisation_id, '') as organisation, count(*)::int as n from cases group by 1, 2`);
      this.reset();
      for (const x of r ?? []) this.set({ status: String(x.status), organisation: String(x.organisation) }, Number(x.n));
    },
  });

  new Gauge({
    name: 'otklik_cases_overdue',
    help: 'Open cases past their answer term, by handling organisation.',
    labelNames: ['organisation'] as const,
    registers: [registry],
    async collect() {
      const r = await rows(`select coalesce(organisation_id, '') as organisation, count(*)::int as n from cases where overdue and status <> 'closed' group by 1`);
      this.reset();
      for (const x of r ?? []) this.set({ organisation: String(x.organisation) }, Number(x.n));
    },
  });

  new Gauge({
    name: 'otklik_open_cases_by_term_days',
    help: 'Open cases by the length of their answer term in days (7, 10, 30, …; extended terms count their new length).',
    labelNames: ['term_days'] as const,
    registers: [registry],
    async collect() {
      const r = await rows(`select coalesce(term_days::text, 'none') as d, count(*)::int as n from cases where status <> 'closed' group by 1`);
      this.reset();
      for (const x of r ?? []) this.set({ term_days: String(x.d) }, Number(x.n));
    },
  });

  // A histogram in gauge form: cumulative counts of answered cases by the share of the term used.
  new Gauge({
    name: 'otklik_answered_cases_term_used',
    help: 'Answered cases whose answer came within `le` times the answer term (cumulative; le="+Inf" counts all answered cases with a term).',
    labelNames: ['le'] as const,
    registers: [registry],
    async collect() {
      const bounds = [...TERM_USED_BOUNDS];
      const r = await rows(
        `with used as (
           select extract(epoch from (answered_at - registered_at)) / nullif(extract(epoch from (answer_due_at - registered_at)), 0) as ratio
             from cases where answered_at is not null and answer_due_at is not null)
         select ${bounds.map((_, i) => `count(*) filter (where ratio <= ?)::int as b${i}`).join(', ')}, count(*)::int as total from used`,
        bounds,
      );
      this.reset();
      const x = r?.[0];
      if (!x) return;
      bounds.forEach((b, i) => this.set({ le: String(b) }, Number(x[`b${i}`])));
      this.set({ le: '+Inf' }, Number(x.total));
    },
  });

  new Gauge({
    name: 'otklik_webhook_deliveries',
    help: 'Webhook deliveries by status (pending, delivering, delivered, failed, held).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // The deliveries table comes with the webhooks migration; before it exists there is nothing to report.
      const exists = await rows(`select to_regclass('webhook_deliveries') is not null as present`);
      if (!exists?.[0]?.present) return;
      const r = await rows(`select status, count(*)::int as n from webhook_deliveries group by 1`);
      for (const x of r ?? []) this.set({ status: String(x.status) }, Number(x.n));
    },
  });

  new Counter({
    name: 'otklik_activity_failures_total',
    help: 'Failed activity attempts since the database was created, by activity type (counted by the workers).',
    labelNames: ['activity'] as const,
    registers: [registry],
    async collect() {
      const r = await rows(`select activity_type, failures from activity_failures`);
      this.reset();
      for (const x of r ?? []) this.inc({ activity: String(x.activity_type) }, Number(x.failures));
    },
  });

  new Gauge({
    name: 'otklik_notifications',
    help: 'Notifications in the outbox by status (pending, sent, skipped, failed).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const r = await rows(`select status, count(*)::int as n from notifications group by 1`);
      this.reset();
      for (const x of r ?? []) this.set({ status: String(x.status) }, Number(x.n));
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(method, route, status, seconds) {
      httpDuration.observe({ method: method.toUpperCase(), route, status: String(status) }, seconds);
    },
    exposition: () => registry.metrics(),
  };
}

/**
 * Counts a failed activity attempt for /metrics. One cheap upsert per failure; it never throws, so a
 * broken database cannot change what the activity's own failure says.
 */
export async function countActivityFailure(db: Db, activityType: string, error: unknown): Promise<void> {
  try {
    await db.raw(
      `insert into activity_failures (activity_type, failures, last_failure_at, last_error) values (?, 1, now(), ?)
       on conflict (activity_type) do update set failures = activity_failures.failures + 1, last_failure_at = now(), last_error = excluded.last_error`,
      [activityType, String((error as Error)?.message ?? error).slice(0, 500)],
    );
  } catch {
    // The counter is best effort; the failure itself is in the workflow history.
  }
}

/**
 * The worker's activity interceptor: counts every failed attempt (not cancellations: those are the
 * worker shutting down or the workflow moving on) and puts the case id on the activity's log lines.
 */
export function activityInterceptors(db: Db): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (e) {
          if (!(e instanceof CancelledFailure) && ctx.info?.activityType) await countActivityFailure(db, ctx.info.activityType, e);
          throw e;
        }
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next({ ...input, caseId: ctx.info?.workflowExecution?.workflowId });
      },
    },
  });
}
