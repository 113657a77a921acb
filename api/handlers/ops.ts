// Operations endpoints: liveness and readiness probes, Prometheus metrics, and the audit log.
import type { components } from '../../openapi/types';
import { AuditCursorError, listAudit } from '../../domain/audit';
import { createMetrics } from '../../domain/metrics';
import { PROBLEM, problems } from '../../domain/problem';
import type { AppDeps, Handlers } from '../routes';

type Readiness = components['schemas']['Readiness'];
type NotReadyProblem = components['schemas']['NotReadyProblem'];
type AuditPage = components['schemas']['AuditPage'];

/** How long a readiness probe waits for each dependency. */
const PROBE_TIMEOUT_MS = 2000;

async function reachable(probe: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS); timer.unref(); }),
    ]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The app's metrics; an app built without them (never in createApp) still answers a scrape. */
function metricsOf(deps: AppDeps) {
  deps.metrics ??= createMetrics(deps.db);
  return deps.metrics;
}

export const opsHandlers = {
  async getLiveness() {
    return { status: 200, body: { status: 'ok' as const } };
  },

  async getReadiness({ deps }) {
    const [database, temporal] = await Promise.all([
      reachable(() => deps.db.raw('select 1')),
      reachable(() => deps.temporal.workflowService.getSystemInfo({})),
    ]);
    const components = { database, temporal };
    if (database === 'ok' && temporal === 'ok') return { status: 200, body: { status: 'ready', components } satisfies Readiness };
    // Not ready is an error like the API's others (problem+json), with the state of each component.
    const body: NotReadyProblem = {
      type: PROBLEM.unavailable, title: 'Not ready', status: 503,
      detail: `Not ready: ${Object.entries(components).filter(([, v]) => v !== 'ok').map(([k]) => k).join(', ')} unavailable.`,
      components,
    };
    return { status: 503, body, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '5' } };
  },

  async getMetrics({ deps }) {
    const metrics = metricsOf(deps);
    return { status: 200, text: await metrics.exposition(), headers: { 'Content-Type': metrics.contentType } };
  },

  async listAuditEntries({ deps, user, input }) {
    const q = input.query;
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) throw problems.field('query', 'from', 'must not be after `to`');
    try {
      const page = await listAudit(deps.db, user, {
        caseId: q.caseId, actorUserId: q.actorUserId, action: q.action, from: q.from, to: q.to, limit: q.limit, cursor: q.cursor,
      });
      return { status: 200, body: page as AuditPage };
    } catch (e) {
      if (e instanceof AuditCursorError) throw problems.field('query', 'cursor', e.message);
      throw e;
    }
  },
} satisfies Partial<Handlers>;
