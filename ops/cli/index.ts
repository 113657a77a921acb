// The ops command line (`npm run ops -- <command>`): parsing and dispatch, free of process globals so
// that tests run the very commands the ops team types. ops/ops.ts connects and prints.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { applyOverride, OverrideError, overrideText, OVERRIDES, type OverrideKind } from './override';
import { checkMonitoring, checkText, rebuildMonitoring, rebuildText } from './monitoring';
import { retryCase, retryText } from './retry';
import { findStuck, stuckText } from './stuck';
import { caseTimeline, timelineText } from './timeline';
import { readinessSnapshot, readinessSnapshotText } from './readiness';

export interface OpsDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  namespace: string;
}

export interface OpsOutput {
  /** 0 done, 1 failed, 2 usage error. */
  code: number;
  text: string;
  json: unknown;
}

export const USAGE = `Usage: npm run ops -- <command> [options] [--json]

  timeline <caseId> [--all]          the case's history from its workflow, across runs
  stuck [--days N] [--pending-minutes M] [--limit L]
                                     overdue cases idle for N days (default 7), failing activities,
                                     workflow-task failures, updates pending over M minutes (default 10)
  override <caseId> reassign --organisation ID --reason R --as USER_ID
  override <caseId> term --due ISO --reason R --as USER_ID
  override <caseId> close --reason R --as USER_ID
  override <caseId> reopen --reason R --as USER_ID
                                     a supervisor's override as an administrator (audited, channel cli);
                                     --key K applies a repeated command once
  retry <caseId> [--reason R] [--as USER_ID]
                                     reset a workflow-task failure, re-queue failed notifications,
                                     list failed webhook deliveries to replay
  monitoring rebuild                 recompute the monitoring rollups from the read model (indicators
                                     and ratings wait meanwhile)
  monitoring check <regionId>        compare a region's rollups with a full scan of its cases
  readiness-snapshot [--region ID]   keep this month's readiness of cabinets by municipal district (all
                                     regions by default); once a month per region, later runs change nothing

Environment: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE (domain/config/index.ts).`;

export class UsageError extends Error {}

const BOOLEAN_FLAGS = new Set(['json', 'all', 'help']);

export function parseArgs(argv: string[]): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (BOOLEAN_FLAGS.has(name)) flags[name] = true;
      else if (inline !== undefined) flags[name] = inline;
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[name] = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else positional.push(a);
  }
  return { positional, flags };
}

function intFlag(flags: Record<string, string | true>, name: string, fallback: number, min: number, max: number): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function str(flags: Record<string, string | true>, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export async function runOps(argv: string[], deps: OpsDeps): Promise<OpsOutput> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    return { code: 2, text: `${(e as Error).message}\n\n${USAGE}`, json: { error: (e as Error).message } };
  }
  const { positional, flags } = parsed;
  const [command, caseId, sub] = positional;
  const done = (text: string, json: unknown): OpsOutput => ({ code: 0, text, json });
  try {
    if (!command || flags.help) return { code: command ? 0 : 2, text: USAGE, json: { usage: USAGE } };
    switch (command) {
      case 'timeline': {
        if (!caseId) throw new UsageError('timeline needs a case id');
        const lines = await caseTimeline(deps.client, caseId, { all: flags.all === true });
        return done(timelineText(caseId, lines), { caseId, lines });
      }
      case 'stuck': {
        const o = {
          days: intFlag(flags, 'days', 7, 0, 3650),
          pendingMinutes: intFlag(flags, 'pending-minutes', 10, 0, 525_600),
          limit: intFlag(flags, 'limit', 500, 1, 10_000),
          taskQueue: deps.taskQueue,
        };
        const report = await findStuck(deps.db, deps.client, o);
        return done(stuckText(report, o), report);
      }
      case 'override': {
        if (!caseId || !sub) throw new UsageError('override needs a case id and one of: reassign, term, close, reopen');
        if (!(sub in OVERRIDES)) throw new UsageError(`unknown override ${sub}; use one of: ${Object.keys(OVERRIDES).join(', ')}`);
        const as = str(flags, 'as');
        if (!as || !/^\d+$/.test(as)) throw new UsageError('--as <user id of an administrator> is required');
        const result = await applyOverride(deps.db, deps.client, deps.taskQueue, {
          caseId, kind: sub as OverrideKind, reason: str(flags, 'reason') ?? '', asUserId: Number(as),
          organisationId: str(flags, 'organisation'), answerDueAt: str(flags, 'due'), key: str(flags, 'key'),
        });
        return done(overrideText(result), result);
      }
      case 'retry': {
        if (!caseId) throw new UsageError('retry needs a case id');
        const as = str(flags, 'as');
        if (as !== undefined && !/^\d+$/.test(as)) throw new UsageError('--as must be a user id');
        const result = await retryCase(deps.db, deps.client, deps.namespace, caseId, { reason: str(flags, 'reason'), asUserId: as ? Number(as) : undefined });
        return done(retryText(result), result);
      }
      case 'monitoring': {
        // positional: monitoring <rebuild|check> [regionId]
        const [action, regionId] = [caseId, sub];
        if (action === 'rebuild') {
          const r = await rebuildMonitoring(deps.db);
          return done(rebuildText(r), r);
        }
        if (action === 'check') {
          if (!regionId) throw new UsageError('monitoring check needs a region id');
          const r = await checkMonitoring(deps.db, regionId);
          return { code: r.agree ? 0 : 1, text: checkText(r), json: r };
        }
        throw new UsageError('monitoring needs rebuild or check <regionId>');
      }
      case 'readiness-snapshot': {
        const taken = await readinessSnapshot(deps.db, str(flags, 'region'));
        return done(readinessSnapshotText(taken), { taken });
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, text: `${e.message}\n\n${USAGE}`, json: { error: e.message } };
    if (e instanceof OverrideError) return { code: 1, text: `Not applied: ${e.message}`, json: { error: e.message } };
    if ((e as Error).name === 'WorkflowNotFoundError') return { code: 1, text: `There is no workflow for ${caseId}.`, json: { error: 'workflow not found', caseId } };
    throw e;
  }
}
