// `ops timeline <caseId>`: a case's life as its workflow recorded it, across every run, one readable line
// per step: who did what (updates with their actor and arguments), which timer fired and what it meant
// (a term reminder, the term passing, the rating window ending), activities that needed retries or
// failed, workflow-task failures, and what is pending right now. Built on domain/cases/history.ts.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { components } from '../../openapi/types';
import { caseHistory, localActivityOf, renderRun } from '../../domain/cases/history';

type HistoryEntry = components['schemas']['HistoryEntry'];
type HistoryActor = components['schemas']['HistoryActor'];

export interface TimelineLine {
  at: string;
  runId: string;
  eventId: number | null;
  kind: string;
  /** Who acted: "operator #12 Иван Петров (altai.minzdrav)", "system" for timers and the engine. */
  who: string;
  actor?: HistoryActor;
  what: string;
}

type Long = { toNumber(): number } | number | string | null | undefined;
type RawEvent = Record<string, any> & { eventId?: Long; eventTime?: { seconds?: Long; nanos?: number | null } | null };

function num(v: Long): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

function tsIso(t: { seconds?: Long; nanos?: number | null } | null | undefined): string {
  return new Date(num(t?.seconds) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6)).toISOString();
}

function failureText(f: { message?: string | null; cause?: unknown } | null | undefined): string {
  const parts: string[] = [];
  for (let x: any = f, depth = 0; x && depth < 5; x = x.cause, depth++) if (x.message) parts.push(x.message);
  return parts.join(': ') || 'failed';
}

function decodeFirst(payloads: { payloads?: unknown[] | null } | null | undefined): unknown {
  const p = payloads?.payloads?.[0];
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(p as never);
  } catch {
    return undefined;
  }
}

function whoText(a: HistoryActor | undefined): string {
  if (!a) return 'system';
  const id = a.userId !== null && a.userId !== undefined ? ` #${a.userId}` : '';
  const where = a.organisationId ? ` (${a.organisationId})` : a.regionId ? ` (${a.regionId})` : '';
  return `${a.role}${id}${a.name ? ` ${a.name}` : ''}${where}`;
}

/** What a fired timer meant: the transition the workflow recorded in the task that the timer woke. */
const TIMER_MEANING: Record<string, string> = {
  reminder: 'term reminder sent to the organisation',
  overdue: 'answer term passed: the case is overdue',
  rating_window_expired: 'rating window ended: the case is closed',
};

/**
 * The transition an event shows being projected: a task-queue activity's input, or a local activity's
 * answer (its marker keeps no input; projectAppealTransition answers the type and resolution it wrote).
 */
function projectedTransition(e: RawEvent): { type?: string; resolution?: string } | undefined {
  const s = e.activityTaskScheduledEventAttributes;
  if (s?.activityType?.name === 'projectAppealTransition') {
    const t = decodeFirst(s.input) as { type?: string; details?: { resolution?: string } } | undefined;
    return t && { type: t.type, resolution: t.details?.resolution };
  }
  const local = localActivityOf(e);
  if (local?.activityType === 'projectAppealTransition' && !local.failure) return local.result as { type?: string; resolution?: string };
  return undefined;
}

function timerMeaning(events: RawEvent[], firedIndex: number): string {
  // The commands of the next completed workflow task follow its WorkflowTaskCompleted event.
  let i = firedIndex + 1;
  while (i < events.length && !events[i].workflowTaskCompletedEventAttributes) i++;
  for (i++; i < events.length && !events[i].workflowTaskScheduledEventAttributes; i++) {
    const t = projectedTransition(events[i]);
    if (!t?.type) continue;
    if (t.type === 'closed' && t.resolution) return TIMER_MEANING[t.resolution] ?? `case closed (${t.resolution})`;
    return TIMER_MEANING[t.type] ?? `${t.type} recorded`;
  }
  return 'nothing was due (a deadline had moved)';
}

/** Lines of one run: the rendered history entries, explained and filtered for people. */
export function runLines(runId: string, events: RawEvent[], all = false): TimelineLine[] {
  const entries = renderRun({ runId, events: events as never });
  const indexById = new Map<number, number>();
  events.forEach((e, i) => indexById.set(num(e.eventId), i));
  // Attempts of each activity (ActivityTaskStarted carries the attempt and the last failure).
  const attempts = new Map<number, { attempt: number; lastFailure?: string }>();
  for (const e of events) {
    const s = e.activityTaskStartedEventAttributes;
    if (s) attempts.set(num(s.scheduledEventId), { attempt: s.attempt ?? 1, ...(s.lastFailure ? { lastFailure: failureText(s.lastFailure) } : {}) });
  }
  const out: TimelineLine[] = [];
  const push = (e: HistoryEntry, what: string) =>
    out.push({ at: e.at, runId, eventId: e.eventId ?? null, kind: e.kind, who: whoText(e.actor), ...(e.actor ? { actor: e.actor } : {}), what });
  for (const entry of entries) {
    const raw = events[indexById.get(entry.eventId ?? -1) ?? -1];
    switch (entry.kind) {
      case 'timer_fired':
        push(entry, `Timer fired: ${timerMeaning(events, indexById.get(entry.eventId ?? -1) ?? 0)}`);
        break;
      case 'activity_completed': {
        const scheduled = num(raw?.activityTaskCompletedEventAttributes?.scheduledEventId);
        const a = attempts.get(scheduled);
        if (a && a.attempt > 1) push(entry, `${entry.summary} after ${a.attempt} attempts (last failure: ${a.lastFailure ?? 'unknown'})`);
        else if (all) push(entry, entry.summary);
        break;
      }
      case 'activity_failed':
      case 'activity_timed_out': {
        const scheduled = num(raw?.activityTaskFailedEventAttributes?.scheduledEventId ?? raw?.activityTaskTimedOutEventAttributes?.scheduledEventId);
        const a = attempts.get(scheduled);
        push(entry, `${entry.summary}${a ? ` (attempt ${a.attempt})` : ''}`);
        break;
      }
      case 'local_activity_completed':
        // Worth a line when its quick retries were needed; otherwise only with --all, like an activity.
        if (all || (localActivityOf(raw ?? {})?.attempt ?? 1) > 1) push(entry, entry.summary);
        break;
      case 'activity_scheduled':
      case 'timer_started':
      case 'timer_canceled':
        if (all) push(entry, entry.summary);
        break;
      default:
        push(entry, entry.summary);
    }
  }
  // Workflow-task failures are not in the rendered history: the engine's own trouble, shown to ops.
  for (const e of events) {
    const f = e.workflowTaskFailedEventAttributes;
    if (!f) continue;
    out.push({
      at: tsIso(e.eventTime), runId, eventId: num(e.eventId), kind: 'workflow_task_failed', who: 'system',
      what: `Workflow task failed (${String(f.cause ?? 'unknown cause').replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '').toLowerCase()}): ${failureText(f.failure)}`,
    });
  }
  return out.sort((a, b) => (a.eventId ?? 0) - (b.eventId ?? 0));
}

/** The whole timeline of a case: every run in order, then what the current run is waiting on or retrying. */
export async function caseTimeline(client: Client, caseId: string, opts: { all?: boolean } = {}): Promise<TimelineLine[]> {
  const history = await caseHistory(client, caseId);
  const lines: TimelineLine[] = [];
  for (const run of history.runs) {
    const events = ((await client.workflow.getHandle(caseId, run.runId).fetchHistory()).events ?? []) as RawEvent[];
    lines.push(...runLines(run.runId, events, opts.all));
  }
  const latest = await client.workflow.getHandle(caseId).describe();
  if (latest.status.name === 'RUNNING') {
    const now = new Date().toISOString();
    for (const p of (latest.raw.pendingActivities ?? []) as any[]) {
      const attempt = p.attempt ?? 1;
      if (attempt <= 1 && !opts.all) continue;
      lines.push({
        at: now, runId: latest.runId, eventId: null, kind: 'activity_pending', who: 'system',
        what: `Now: activity ${p.activityType?.name ?? '?'} at attempt ${attempt}${p.lastFailure ? `, last failure: ${failureText(p.lastFailure)}` : ''}`,
      });
    }
    const wft = latest.raw.pendingWorkflowTask as { attempt?: number } | null | undefined;
    if (wft && (wft.attempt ?? 1) > 1) {
      lines.push({ at: now, runId: latest.runId, eventId: null, kind: 'workflow_task_pending', who: 'system', what: `Now: workflow task failing, attempt ${wft.attempt} (see \`ops retry\`)` });
    }
  }
  return lines;
}

export function timelineText(caseId: string, lines: TimelineLine[]): string {
  if (lines.length === 0) return `${caseId}: no history`;
  const width = Math.min(48, Math.max(...lines.map((l) => l.who.length)));
  let run = '';
  const out = [`Case ${caseId}`];
  for (const l of lines) {
    if (l.runId !== run) {
      run = l.runId;
      out.push(`-- run ${run}`);
    }
    out.push(`${l.at}  ${l.who.padEnd(width)}  ${l.what}`);
  }
  return out.join('\n');
}
