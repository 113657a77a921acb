// The case actions after intake, each measured like intake: its peak (closed loop, the intake peak's
// concurrency) and its latency at half that peak (open loop, load.ts openLoop), on the cases the intake
// and latency phases registered. They run in the order a case lives them: operators take registered
// cases into work, answer the cases they took, and the applicants rate the answers (a positive rating
// closes the case). Each action's cases are the ones the previous action moved, so every request is one
// the workflow accepts: an error here is a real one.
import { createUserWithToken } from '../../domain/identity/users';
import { closedLoop, openLoop, request, round2, type LatencyStats, type Load, type Submission } from './load';
import type { Platform } from './platform';

export type CaseAction = 'take' | 'answer' | 'rate';

export interface ActionSettings {
  /** Length of each closed-loop peak and of each open-loop run. */
  seconds: number;
  rateFraction: number;
  concurrency: number;
}

export interface ActionResult {
  action: CaseAction;
  path: string;
  peak: { concurrency: number; seconds: number; ok: number; errors: number; statuses: Record<string, number>; perSecond: number; latency: LatencyStats };
  atHalf: { rate: number; sent: number; ok: number; errors: number; statuses: Record<string, number>; achievedPerSecond: number; latency: LatencyStats } | null;
  /** Set when the cases ran out: the peak or the open loop is shorter than asked. */
  note?: string;
}

const PATHS: Record<CaseAction, string> = { take: '/cases/{caseId}/take', answer: '/cases/{caseId}/answer', rate: '/cases/{caseId}/rating' };

interface CaseRow { id: string; organisationId: string; applicantUserId: number }

/** Who may act on a case: the operator of its organisation, or its applicant for the rating. */
async function actors(platform: Platform, load: Load, rows: CaseRow[]): Promise<(action: CaseAction, c: CaseRow) => string> {
  const operators = new Map<string, string>();
  for (const org of new Set(rows.map((r) => r.organisationId))) {
    operators.set(org, (await createUserWithToken(platform.db, { role: 'operator', name: `Оператор ${org} (бенчмарк)`, organisationId: org, label: 'bench' })).token);
  }
  const citizens = new Map(load.citizenIds.map((id, i) => [id, load.citizens[i]]));
  return (action, c) => (action === 'rate' ? citizens.get(c.applicantUserId)! : operators.get(c.organisationId)!);
}

function fireOn(load: Load, action: CaseAction, queue: CaseRow[], tokenOf: (action: CaseAction, c: CaseRow) => string, done: CaseRow[]): () => Promise<Submission> {
  const body = action === 'take' ? undefined : action === 'answer' ? { text: 'Проверка проведена, нарушение устранено (бенчмарк).' } : { rating: 5 };
  return async () => {
    const c = queue.shift();
    if (!c) return { ok: false, status: -1, ms: 0, attempts: 1 };
    const r = await request(load, 'POST', PATHS[action].replace('{caseId}', c.id), tokenOf(action, c), body, { 'idempotency-key': `bench-${action}-${load.runId}-${c.id}` })
      .catch(() => ({ status: 0, body: undefined, ms: 0 }));
    const ok = r.status === 200;
    if (ok) done.push(c);
    return { ok, status: r.status, ms: r.ms, attempts: 1 };
  };
}

/** One action: its peak on two thirds of the cases at most, then half that rate on the rest. */
async function measureAction(
  load: Load, action: CaseAction, cases: CaseRow[], tokenOf: (action: CaseAction, c: CaseRow) => string, settings: ActionSettings, log: (line: string) => void,
): Promise<{ result: ActionResult; moved: CaseRow[] }> {
  const moved: CaseRow[] = [];
  const queue = [...cases];
  const peakCount = Math.floor((cases.length * 2) / 3);
  const peak = await closedLoop(settings.concurrency, { count: peakCount, seconds: settings.seconds }, fireOn(load, action, queue, tokenOf, moved));
  const rate = Math.max(0.5, peak.perSecond * settings.rateFraction);
  const wanted = Math.round(rate * settings.seconds);
  const count = Math.min(wanted, queue.length);
  const half = count > 0 ? await openLoop(rate, count, fireOn(load, action, queue, tokenOf, moved)) : null;
  const result: ActionResult = {
    action, path: PATHS[action],
    peak: { concurrency: settings.concurrency, seconds: round2(peak.seconds), ok: peak.ok, errors: peak.errors, statuses: peak.statuses, perSecond: round2(peak.perSecond), latency: peak.latency },
    atHalf: half && { rate: round2(rate), sent: half.sent, ok: half.ok, errors: half.errors, statuses: half.statuses, achievedPerSecond: half.achievedPerSecond, latency: half.latency },
    ...(count < wanted || peak.seconds < settings.seconds * 0.9 ? { note: `${cases.length} cases available: peak over ${peak.ok + peak.errors}, open loop over ${count} of the ${wanted} asked` } : {}),
  };
  log(`actions: ${action}: peak ${result.peak.perSecond}/s; at ${result.atHalf?.rate ?? '—'}/s p99 ${result.atHalf?.latency.p99Ms ?? '—'} ms, errors ${result.atHalf?.errors ?? '—'}`);
  return { result, moved };
}

/** take → answer → rate over the registered appeals of the run so far. */
export async function measureActions(platform: Platform, load: Load, settings: ActionSettings, log: (line: string) => void): Promise<ActionResult[]> {
  const rows = (await platform.db('cases').where({ case_type: 'appeal', status: 'registered' }).whereNotNull('organisation_id')
    .whereIn('applicant_user_id', load.citizenIds).orderBy('registered_at')
    .select('id', 'organisation_id as organisationId', 'applicant_user_id as applicantUserId')) as CaseRow[];
  log(`actions: take, answer, rate on ${rows.length} registered appeals (${settings.concurrency} clients at the peak)`);
  const tokenOf = await actors(platform, load, rows);
  const results: ActionResult[] = [];
  let cases = rows;
  for (const action of ['take', 'answer', 'rate'] as const) {
    const { result, moved } = await measureAction(load, action, cases, tokenOf, settings, log);
    results.push(result);
    cases = moved;
  }
  return results;
}

