// A term with reminders before it and an overdue flag after it, as appeals have: used by discussions
// (answers to proposals) and hearings (protocol, conclusion). Runs inside the workflow, under its lock.
import { condition } from '@temporalio/workflow';
import { remindersFor } from '../rules/answer-term';
import type { EventContext } from '../participation/runner';
import type { ParticipationInput } from '../participation/messages';

export interface WatchedTerm {
  /** Distinguishes the reminders of several terms of one event ('answers', 'protocol', …). */
  name: string;
  dueAt(): string;
  /** Reminders due before this moment are not sent (a term shorter than an offset). */
  since: string;
  offsetsDays: number[];
  /** Keys of reminders sent (kept in the state, so continue-as-new does not repeat them). */
  sent: string[];
  overdue(): boolean;
  /** The term is met: the watch ends. */
  done(): boolean;
  /** Called under the lock; records the reminder transition. */
  remind(offsetDays: number): Promise<void>;
  /** Called under the lock; flags the event overdue and records it. */
  markOverdue(): Promise<void>;
}

function pending(t: WatchedTerm) {
  return remindersFor(t.dueAt(), t.offsetsDays)
    .filter((r) => Date.parse(r.at) > Date.parse(t.since) && !t.sent.includes(`${t.name}:${r.at}`));
}

/** Waits for the term to be met, sending reminders before it and flagging it overdue once (it stays open). */
export async function watchTerm<I extends ParticipationInput, K extends string>(ctx: EventContext<I, K>, t: WatchedTerm): Promise<void> {
  while (!t.done()) {
    const times: number[] = [];
    if (!t.overdue()) {
      times.push(Date.parse(t.dueAt()));
      for (const r of pending(t)) times.push(Date.parse(r.at));
    }
    if (times.length === 0) {
      await condition(t.done);
      return;
    }
    const seqBefore = ctx.state.seq;
    // Wake when the term is met, when another transition may have moved the term, or at the next moment.
    const woke = await condition(() => t.done() || ctx.state.seq !== seqBefore, Math.max(1, Math.min(...times) - Date.now()));
    if (woke) continue;
    await ctx.exclusive(async () => {
      if (t.done() || t.overdue()) return;
      const now = Date.now();
      if (Date.parse(t.dueAt()) <= now) {
        await t.markOverdue();
        return;
      }
      const due = pending(t).filter((r) => Date.parse(r.at) <= now);
      if (due.length === 0) return;
      // After a long outage only the latest reminder is worth sending.
      for (const r of due) t.sent.push(`${t.name}:${r.at}`);
      await t.remind(due[due.length - 1].offsetDays);
    });
  }
}
