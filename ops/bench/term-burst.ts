// Term burst: every case registered on one day with the same term falls due at the same local midnight.
// N appeals are submitted through the API, their terms moved by a supervisor's override to one instant T
// (scale.ts termBurst, the same measurement as the scale phase's burst), and two things are measured:
//   - the time from T until all N cases show overdue=true in the read model (target: ≤ 120 s for
//     10,000 on the embedded default);
//   - the mails to the region's supervisors for them: the overdue digest (workflows/appeal/
//     overdue-digest.ts, on its schedule with the platform's default settings) must make one mail per
//     supervisor, not N. Waited for until every overdue notice of the burst is in a digest.
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import { closedLoop, REGION, round2, submitNext, type Load } from './load';
import type { Platform } from './platform';
import { termBurst, type ScaleResult } from './scale';

export interface TermBurstSettings {
  /** N: appeals submitted and made due together. */
  appeals: number;
  /** Give up waiting for all N to be overdue this long after T. */
  timeoutSeconds: number;
  /** Give up waiting for the digests this long after the last case went overdue. */
  digestTimeoutSeconds: number;
}

/** The targets (issue 12, part 4), shown next to the figures in the report. */
export const TERM_BURST_TARGETS = { allOverdueWithinSeconds: 120, mailsPerSupervisor: 1 };

export interface TermBurstResult extends TermBurstSettings {
  concurrency: number;
  load: { appeals: number; errors: number; seconds: number; perSecond: number };
  burst: ScaleResult['burst'];
  digest: {
    /** Supervisors of the region when the burst fell due. */
    supervisors: number;
    /** Mails to supervisors queued after T (digests and any per-case mail). */
    supervisorMails: number;
    /** Of them, mails about one case of the burst: 0 when every overdue case went into a digest. */
    perCaseMails: number;
    digests: number;
    casesInDigests: number;
    /** From T until the last of the burst's notices was in a digest; null: not within the timeout. */
    allDigestedAfterSeconds: number | null;
    mailsPerSupervisor: number | null;
  };
}

async function count(q: Knex.QueryBuilder): Promise<number> {
  const [row] = await q.count({ n: '*' });
  return Number(row.n);
}

/** Waits until every overdue notice of the burst is in a digest, then counts the supervisors' mails since T. */
async function digestOutcome(db: Db, ids: string[], overdue: number, dueAtMs: number, timeoutSeconds: number): Promise<TermBurstResult['digest']> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let allDigestedAfterSeconds: number | null = null;
  while (Date.now() < deadline) {
    const waiting = await count(db('overdue_notices').whereIn('case_id', ids).whereNull('digest_id'));
    const noticed = await count(db('overdue_notices').whereIn('case_id', ids));
    if (noticed >= overdue && waiting === 0) {
      allDigestedAfterSeconds = round2((Date.now() - dueAtMs) / 1000);
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const since = new Date(dueAtMs);
  const supervisors = await count(db('users').where({ role: 'supervisor', region_id: REGION }));
  const supervisorMails = await count(db('notifications').where({ recipient_kind: 'supervisor' }).where('created_at', '>=', since));
  const perCaseMails = await count(db('notifications').where({ recipient_kind: 'supervisor' }).whereIn('case_id', ids));
  const digests = await db('overdue_digests').where('created_at', '>=', since).where({ region_id: REGION }).select('cases');
  return {
    supervisors, supervisorMails, perCaseMails, digests: digests.length,
    casesInDigests: digests.reduce((s: number, d: { cases: number }) => s + d.cases, 0),
    allDigestedAfterSeconds,
    mailsPerSupervisor: supervisors > 0 ? round2(supervisorMails / supervisors) : null,
  };
}

export async function measureTermBurst(
  platform: Platform, load: Load, settings: TermBurstSettings & { concurrency: number }, intakeRate: number, log: (line: string) => void,
): Promise<TermBurstResult> {
  log(`term burst: submitting ${settings.appeals} appeals with ${settings.concurrency} clients`);
  const loaded = await closedLoop(settings.concurrency, { count: settings.appeals }, () => submitNext(load, 5));
  log(`term burst: ${loaded.ok} submitted (${round2(loaded.perSecond)}/s), ${loaded.errors} failed`);
  const burst = await termBurst(platform, load, {
    appeals: loaded.ok, concurrency: settings.concurrency, waitSeconds: 0,
    burstCases: loaded.ok, burstMinLeadSeconds: 10, burstTimeoutSeconds: settings.timeoutSeconds,
  }, loaded.caseIds, intakeRate, (line) => log(line.replace(/^scale: burst/, 'term burst')));
  const digest = await digestOutcome(platform.db, loaded.caseIds, burst.overdue, Date.parse(burst.dueAt), settings.digestTimeoutSeconds);
  log(`term burst: ${digest.supervisorMails} mails to ${digest.supervisors} supervisors (${digest.digests} digests of ${digest.casesInDigests} cases; ${digest.perCaseMails} per-case mails)`);
  return {
    ...settings,
    load: { appeals: loaded.ok, errors: loaded.errors, seconds: round2(loaded.seconds), perSecond: round2(loaded.perSecond) },
    burst, digest,
  };
}
