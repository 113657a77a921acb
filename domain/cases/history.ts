// A case's history as Temporal recorded it: every run of the case's workflow (continue-as-new chains and
// runs started by a reopen), each event that matters to people rendered as one readable entry.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { components } from '../../openapi/types';
import type { Actor } from '../../workflows/shared/actor';

type CaseHistory = components['schemas']['CaseHistory'];
type HistoryEntry = components['schemas']['HistoryEntry'];
type HistoryRun = components['schemas']['HistoryRun'];
type HistoryActor = components['schemas']['HistoryActor'];

type Long = { toNumber(): number } | number | string | null | undefined;
interface Ts { seconds?: Long; nanos?: number | null }
interface Payloads { payloads?: unknown[] | null }
interface Failure { message?: string | null; cause?: Failure | null; applicationFailureInfo?: { type?: string | null } | null }
/** The parts of temporal.api.history.v1.IHistoryEvent read here (the proto types are not imported). */
interface Event {
  eventId?: Long;
  eventTime?: Ts | null;
  workflowExecutionStartedEventAttributes?: { input?: Payloads | null; continuedExecutionRunId?: string | null; firstExecutionRunId?: string | null } | null;
  workflowExecutionCompletedEventAttributes?: { result?: Payloads | null; newExecutionRunId?: string | null } | null;
  workflowExecutionFailedEventAttributes?: { failure?: Failure | null } | null;
  workflowExecutionTerminatedEventAttributes?: { reason?: string | null } | null;
  workflowExecutionTimedOutEventAttributes?: object | null;
  workflowExecutionCanceledEventAttributes?: object | null;
  workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null;
  workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null;
  workflowExecutionUpdateAcceptedEventAttributes?: {
    acceptedRequest?: { meta?: { updateId?: string | null } | null; input?: { name?: string | null; args?: Payloads | null } | null } | null;
  } | null;
  workflowExecutionUpdateCompletedEventAttributes?: {
    meta?: { updateId?: string | null } | null;
    outcome?: { success?: Payloads | null; failure?: Failure | null } | null;
  } | null;
  workflowExecutionUpdateRejectedEventAttributes?: { rejectedRequest?: { input?: { name?: string | null } | null } | null; failure?: Failure | null } | null;
  timerStartedEventAttributes?: { timerId?: string | null; startToFireTimeout?: Ts | null } | null;
  timerFiredEventAttributes?: { timerId?: string | null } | null;
  timerCanceledEventAttributes?: { timerId?: string | null } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null; activityId?: string | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: Long } | null;
  activityTaskFailedEventAttributes?: { scheduledEventId?: Long; failure?: Failure | null } | null;
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: Long } | null;
  markerRecordedEventAttributes?: { markerName?: string | null; details?: Record<string, Payloads> | null; failure?: Failure | null } | null;
}

/** The marker the SDK records for a local activity; its other markers (patches, side effects) are not shown. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** A local activity as its marker records it: no scheduled/started events, one marker when it ends. */
export interface LocalActivityRecord {
  activityType: string;
  /** Attempts it took within the workflow task (retries of a local activity leave no events). */
  attempt: number;
  /** Its answer (decoded), when it completed. */
  result?: unknown;
  failure?: Failure;
}

/** The local activity a MarkerRecorded event records, or undefined for any other event or marker. */
export function localActivityOf(e: object): LocalActivityRecord | undefined {
  const m = (e as Pick<Event, 'markerRecordedEventAttributes'>).markerRecordedEventAttributes;
  if (!m || m.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const data = decode(m.details?.data) as { activity_type?: string; attempt?: number } | undefined;
  return {
    activityType: data?.activity_type ?? '?',
    attempt: data?.attempt ?? 1,
    ...(m.failure ? { failure: m.failure } : { result: decode(m.details?.result) }),
  };
}

function num(v: Long): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

function tsIso(t: Ts | null | undefined): string {
  return new Date(num(t?.seconds) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6)).toISOString();
}

function durationText(t: Ts | null | undefined): string {
  let s = num(t?.seconds);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean);
  return parts.length ? parts.join(' ') : '0s';
}

function decode(p: Payloads | null | undefined, i = 0): unknown {
  const payload = p?.payloads?.[i];
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload as never);
  } catch {
    return undefined;
  }
}

function failureText(f: Failure | null | undefined): string {
  const parts: string[] = [];
  for (let x = f, depth = 0; x && depth < 5; x = x.cause, depth++) if (x.message) parts.push(x.message);
  return parts.join(': ') || 'failed';
}

function actorFrom(value: unknown): HistoryActor | undefined {
  const a = (value as { actor?: Actor } | undefined)?.actor;
  if (!a || typeof a !== 'object' || typeof a.role !== 'string') return undefined;
  const out: HistoryActor = { role: a.role, userId: a.userId ?? null };
  if (a.name) out.name = a.name;
  if (a.organisationId !== undefined) out.organisationId = a.organisationId ?? null;
  if (a.regionId !== undefined) out.regionId = a.regionId ?? null;
  return out;
}

function actorText(a: HistoryActor | undefined): string {
  if (!a) return '';
  const who = a.name ? `${a.role} ${a.name}` : a.role;
  const where = a.organisationId ? ` (${a.organisationId})` : a.regionId ? ` (${a.regionId})` : '';
  return ` by ${who}${where}`;
}

/** Short scalar fields of an update argument (reason, days, organisationId, …), for the summary. */
function argText(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'actor' || v === null || v === undefined || typeof v === 'object') continue;
    const s = String(v);
    parts.push(`${k}=${s.length > 120 ? `${s.slice(0, 117)}…` : s}`);
  }
  return parts.length ? `: ${parts.join(', ')}` : '';
}

function stateText(v: unknown): string {
  const s = v as { status?: string; resolution?: string | null; organisationId?: string | null } | undefined;
  if (!s || typeof s !== 'object' || !s.status) return '';
  return ` (status ${s.status}${s.resolution ? `, ${s.resolution}` : ''}${s.organisationId ? `, at ${s.organisationId}` : ''})`;
}

interface RunHistory { runId: string; events: Event[] }

/** A local activity's marker as an entry: how it ended, and after how many attempts. */
function localActivityEntry(e: Event): Omit<HistoryEntry, 'at' | 'runId' | 'eventId'> | undefined {
  const local = localActivityOf(e);
  if (!local) return undefined;
  const name = local.activityType;
  const attempts = local.attempt > 1 ? ` after ${local.attempt} attempts` : '';
  if (local.failure) return { kind: 'local_activity_failed', name, summary: `Local activity ${name} failed${attempts}: ${failureText(local.failure)}` };
  return { kind: 'local_activity_completed', name, summary: `Local activity ${name} completed${attempts}` };
}

/** Renders the events of one run. */
export function renderRun(run: RunHistory): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  const activities = new Map<number, string>();
  const updates = new Map<string, string>();
  for (const e of run.events) {
    const base = { at: tsIso(e.eventTime), runId: run.runId, eventId: num(e.eventId) };
    const push = (x: Omit<HistoryEntry, 'at' | 'runId' | 'eventId'>) => out.push({ ...base, ...x });
    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      const input = decode(a.input) as { reopen?: { actor: Actor; reason: string }; carried?: unknown } | undefined;
      if (input?.reopen) {
        const actor = actorFrom(input.reopen);
        push({ kind: 'workflow_started', summary: `Workflow started to reopen the closed case${actorText(actor)}: ${input.reopen.reason}`, ...(actor ? { actor } : {}) });
      } else if (a.continuedExecutionRunId) {
        push({ kind: 'workflow_started', summary: `Workflow continued as new from run ${a.continuedExecutionRunId}${stateText(input?.carried)}` });
      } else if (input?.carried) {
        // Since the API registers a case in its intake transaction, its first run starts registered.
        push({ kind: 'workflow_started', summary: `Workflow started: the case was received and registered at intake${stateText(input.carried)}` });
      } else {
        push({ kind: 'workflow_started', summary: 'Workflow started: the case was received' });
      }
    } else if (e.workflowExecutionCompletedEventAttributes) {
      push({ kind: 'workflow_completed', summary: `Workflow completed${stateText(decode(e.workflowExecutionCompletedEventAttributes.result))}` });
    } else if (e.workflowExecutionFailedEventAttributes) {
      push({ kind: 'workflow_failed', summary: `Workflow failed: ${failureText(e.workflowExecutionFailedEventAttributes.failure)}` });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      push({ kind: 'workflow_terminated', summary: `Workflow terminated${e.workflowExecutionTerminatedEventAttributes.reason ? `: ${e.workflowExecutionTerminatedEventAttributes.reason}` : ''}` });
    } else if (e.workflowExecutionTimedOutEventAttributes) {
      push({ kind: 'workflow_timed_out', summary: 'Workflow timed out' });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      push({ kind: 'workflow_canceled', summary: 'Workflow canceled' });
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      push({ kind: 'continued_as_new', summary: `Continued as new in run ${e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId ?? '?'}` });
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const name = e.workflowExecutionSignaledEventAttributes.signalName ?? '?';
      push({ kind: 'signal_received', name, summary: `Signal ${name} received` });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const name = req?.input?.name ?? '?';
      const id = req?.meta?.updateId;
      if (id) updates.set(id, name);
      const arg = decode(req?.input?.args);
      const actor = actorFrom(arg);
      push({ kind: 'update_accepted', name, summary: `Update ${name} accepted${actorText(actor)}${argText(arg)}`, ...(actor ? { actor } : {}) });
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      const name = (a.meta?.updateId && updates.get(a.meta.updateId)) || '?';
      if (a.outcome?.failure) push({ kind: 'update_failed', name, summary: `Update ${name} failed: ${failureText(a.outcome.failure)}` });
      else push({ kind: 'update_completed', name, summary: `Update ${name} completed${stateText(decode(a.outcome?.success))}` });
    } else if (e.workflowExecutionUpdateRejectedEventAttributes) {
      const a = e.workflowExecutionUpdateRejectedEventAttributes;
      const name = a.rejectedRequest?.input?.name ?? '?';
      push({ kind: 'update_rejected', name, summary: `Update ${name} rejected: ${failureText(a.failure)}` });
    } else if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      push({ kind: 'timer_started', name: a.timerId ?? '?', summary: `Timer ${a.timerId ?? '?'} started: fires in ${durationText(a.startToFireTimeout)}` });
    } else if (e.timerFiredEventAttributes) {
      push({ kind: 'timer_fired', name: e.timerFiredEventAttributes.timerId ?? '?', summary: `Timer ${e.timerFiredEventAttributes.timerId ?? '?'} fired` });
    } else if (e.timerCanceledEventAttributes) {
      push({ kind: 'timer_canceled', name: e.timerCanceledEventAttributes.timerId ?? '?', summary: `Timer ${e.timerCanceledEventAttributes.timerId ?? '?'} canceled` });
    } else if (e.activityTaskScheduledEventAttributes) {
      const name = e.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
      activities.set(num(e.eventId), name);
      push({ kind: 'activity_scheduled', name, summary: `Activity ${name} scheduled` });
    } else if (e.activityTaskCompletedEventAttributes) {
      const name = activities.get(num(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? '?';
      push({ kind: 'activity_completed', name, summary: `Activity ${name} completed` });
    } else if (e.activityTaskFailedEventAttributes) {
      const name = activities.get(num(e.activityTaskFailedEventAttributes.scheduledEventId)) ?? '?';
      push({ kind: 'activity_failed', name, summary: `Activity ${name} failed: ${failureText(e.activityTaskFailedEventAttributes.failure)}` });
    } else if (e.activityTaskTimedOutEventAttributes) {
      const name = activities.get(num(e.activityTaskTimedOutEventAttributes.scheduledEventId)) ?? '?';
      push({ kind: 'activity_timed_out', name, summary: `Activity ${name} timed out` });
    } else if (e.markerRecordedEventAttributes) {
      const entry = localActivityEntry(e);
      if (entry) push(entry);
    }
  }
  return out;
}

/**
 * The case's history over all its runs. Runs are found by walking back the continue-as-new chain from
 * the latest run (continuedExecutionRunId) and by listing the workflow id in visibility (a reopen
 * starts an unlinked run). Throws WorkflowNotFoundError when the workflow does not exist.
 */
export async function caseHistory(client: Client, caseId: string): Promise<CaseHistory> {
  const latest = await client.workflow.getHandle(caseId).describe();
  const runs = new Map<string, HistoryRun & { events: Event[] }>();
  const pending: { runId: string; startedAt?: Date; closedAt?: Date; status?: string }[] = [
    { runId: latest.runId, startedAt: latest.startTime, closedAt: latest.closeTime, status: latest.status.name },
  ];
  try {
    for await (const w of client.workflow.list({ query: `WorkflowId = '${caseId.replace(/'/g, '')}'` })) {
      pending.push({ runId: w.runId, startedAt: w.startTime, closedAt: w.closeTime, status: w.status.name });
    }
  } catch {
    // Visibility is an aid (runs started by a reopen); the continue-as-new chain below still works without it.
  }
  const known = new Map(pending.map((p) => [p.runId, p]));
  while (pending.length > 0) {
    const next = pending.shift()!;
    if (runs.has(next.runId)) continue;
    let events: Event[];
    try {
      events = ((await client.workflow.getHandle(caseId, next.runId).fetchHistory()).events ?? []) as Event[];
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) continue; // past retention
      throw e;
    }
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    const info = known.get(next.runId) ?? next;
    runs.set(next.runId, {
      runId: next.runId,
      startedAt: info.startedAt ? info.startedAt.toISOString() : events[0] ? tsIso(events[0].eventTime) : null,
      closedAt: info.closedAt ? info.closedAt.toISOString() : null,
      status: (info.status ?? 'UNKNOWN').toLowerCase(),
      events,
    });
    const previous = started?.continuedExecutionRunId;
    if (previous && !runs.has(previous)) pending.push({ runId: previous, status: 'CONTINUED_AS_NEW' });
  }
  const ordered = [...runs.values()].sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
  const entries = ordered.flatMap((r) => renderRun({ runId: r.runId, events: r.events }));
  return {
    caseId,
    runs: ordered.map(({ events: _events, ...r }) => r),
    entries,
  };
}
