// How a case reads in the console's lists: the days left to its term (or past it), the marks beside it
// (overdue, near its term, extended, accelerated, advisory, repeat processing) and, for a supervisor, why
// it stands still. Pure: the same case and the same `now` give the same answer.
import type { components } from '../../../openapi/types';
import { T } from '../text';

type CaseSummary = components['schemas']['Case'];
const DAY = 86_400_000;
/** A term this close (days) counts as near. */
export const NEAR_DAYS = 3;

export interface Mark {
  key: 'overdue' | 'near' | 'extended' | 'accelerated' | 'advisory' | 'advisoryMissed' | 'repeat';
  label: string;
  /** A BadgeTone of components/ui (not imported: this file stays free of JSX and the DOM, for its unit tests). */
  tone: 'danger' | 'warning' | 'info' | 'neutral';
}

/** Whole days from now to the term (negative: past it), or null without a term. */
export function daysLeft(c: Pick<CaseSummary, 'answerDueAt'>, now: number): number | null {
  if (!c.answerDueAt) return null;
  const ms = Date.parse(c.answerDueAt) - now;
  // Past the term: whole days since, counting a part of the first day as one.
  return ms >= 0 ? Math.floor(ms / DAY) : -Math.max(1, Math.floor(-ms / DAY));
}

export function queueMarks(c: CaseSummary, now: number): Mark[] {
  const M = T.console.marks;
  const open = c.status !== 'closed' && c.status !== 'answered';
  const left = daysLeft(c, now);
  const overdue = open && (c.overdue || (left !== null && left < 0));
  const marks: Mark[] = [];
  if (overdue) marks.push({ key: 'overdue', label: M.overdue, tone: 'danger' });
  else if (open && left !== null && left < NEAR_DAYS) marks.push({ key: 'near', label: M.near, tone: 'warning' });
  if (c.extended) marks.push({ key: 'extended', label: M.extended, tone: 'info' });
  if (c.accelerated) marks.push({ key: 'accelerated', label: M.accelerated, tone: 'info' });
  if (c.termAdvisory) marks.push({ key: 'advisory', label: M.advisory, tone: 'neutral' });
  // The advisory target of a municipality passed: reported apart, not a violation of the binding term.
  if (open && c.advisoryMissed) marks.push({ key: 'advisoryMissed', label: M.advisoryMissed, tone: 'warning' });
  if (c.round > 1) marks.push({ key: 'repeat', label: M.repeat, tone: 'warning' });
  return marks;
}

/** "3 дн.", "просрочено на 2 дн." or "без срока". */
export function remainingText(c: CaseSummary, now: number): string {
  const Q = T.console.queue;
  const left = daysLeft(c, now);
  if (left === null) return Q.noTerm;
  return left < 0 ? Q.daysOver(-left) : Q.daysLeft(left);
}

/** Why an open case stands still: what it waits for, and for how many days (since its last change). */
export function stuckReason(c: CaseSummary, now: number): string {
  const days = Math.max(0, Math.floor((now - Date.parse(c.updatedAt)) / DAY));
  const reason = T.console.supervision.stuckReason[c.status];
  return reason ? reason(days) : '';
}
