// Prometheus metrics of the platform (GET /metrics). Two kinds: what the API process measures itself
// (request latency), and what is read from PostgreSQL at scrape time (cases by status and organisation,
// overdue cases, answer terms, webhook deliveries, and failed activity attempts, which the workers count
// in the activity_failures table because they run in other processes). Each app gets its own Registry,
// so that several apps in one process (tests) never share or double-register metrics.
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/connection';
import { overdueSql } from './cases/overdue';

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

type Rows = (sql: string, bindings?: unknown[]) => Promise<Row[] | null>;

/** A query of the read model for a scrape: its rows, or null while PostgreSQL cannot be read. */
function scrapeReader(db: Db): Rows {
  return async (sql, bindings = []) => {
    try {
      return (await db.raw(sql, bindings as never[])).rows as Row[];
    } catch {
      return null;
    }
  };
}

/**
 * A gauge read from PostgreSQL at scrape time: `sql` returns one row per label combination, with a
 * column per label and the value in `n`.
 */
function countsGauge<L extends string>(registry: Registry, rows: Rows, name: string, help: string, labelNames: readonly L[], sql: string): void {
  new Gauge({
    name, help, labelNames, registers: [registry],
    async collect() {
      const r = await rows(sql);
      this.reset();
      for (const x of r ?? []) this.set(Object.fromEntries(labelNames.map((l) => [l, String(x[l])])) as Record<L, string>, Number(x.n));
    },
  });
}

/** A histogram in gauge form: cumulative counts of answered cases by the share of the term used. */
function termUsedGauge(registry: Registry, rows: Rows): void {
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
}

/** The metrics read from PostgreSQL at scrape time. */
function readModelMetrics(registry: Registry, rows: Rows): void {
  // A scrape during a database outage still answers: the read-model gauges are left empty and this says why.
  new Gauge({
    name: 'otklik_read_model_up',
    help: 'Whether this scrape could read PostgreSQL (1) or not (0).',
    registers: [registry],
    async collect() {
      this.set((await rows('select 1')) ? 1 : 0);
    },
  });
  countsGauge(registry, rows, 'otklik_cases', 'Cases in the read model, by status and handling organisation.', ['status', 'organisation'],
    `select status, coalesce(organisation_id, '') as organisation, count(*)::int as n from cases group by 1, 2`);
  countsGauge(registry, rows, 'otklik_cases_overdue', 'Open cases past their answer term, by handling organisation.', ['organisation'],
    `select coalesce(organisation_id, '') as organisation, count(*)::int as n from cases where ${overdueSql()} and status <> 'closed' group by 1`);
  countsGauge(registry, rows, 'otklik_open_cases_by_term_days', 'Open cases by the length of their answer term in days (7, 10, 30, …; extended terms count their new length).', ['term_days'],
    `select coalesce(term_days::text, 'none') as term_days, count(*)::int as n from cases where status <> 'closed' group by 1`);
  termUsedGauge(registry, rows);
  countsGauge(registry, rows, 'otklik_webhook_deliveries', 'Webhook deliveries by status (pending, delivering, delivered, failed, held).', ['status'],
    `select status, count(*)::int as n from webhook_deliveries group by 1`);
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
  countsGauge(registry, rows, 'otklik_notifications', 'Notifications in the outbox by status (pending, sent, skipped, failed).', ['status'],
    `select status, count(*)::int as n from notifications group by 1`);
}

export function createMetrics(db: Db): PlatformMetrics {
  const registry = new Registry();
  readModelMetrics(registry, scrapeReader(db));
  const httpDuration = new Histogram({
    name: 'otklik_http_request_duration_seconds',
    help: 'API request duration in seconds, by method, route (the OpenAPI path) and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
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
