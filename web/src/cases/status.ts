// How a case's state reads to its applicant: the main status (closed cases by how they closed) and the
// marks beside it (overdue, extended, redirected, accelerated, repeat processing). Pure: the same case
// gives the same badges.
import type { CaseDetail, CaseSummary } from '../api';
import type { BadgeTone } from '../components/ui';
import { T } from '../text';

export interface StatusBadge {
  label: string;
  tone: BadgeTone;
}

export function mainStatus(c: CaseSummary): StatusBadge {
  if (c.status === 'closed') {
    const tone: BadgeTone = c.resolution === 'left_without_answer' ? 'warning' : 'neutral';
    return { label: (c.resolution && T.status[c.resolution]) || T.status.closed, tone };
  }
  const tones: Record<string, BadgeTone> = { registered: 'info', in_work: 'info', clarification_requested: 'warning', answered: 'success' };
  return { label: T.status[c.status], tone: tones[c.status] ?? 'neutral' };
}

/** The marks beside the status; "redirected" needs the timeline, so only a case page shows it. */
export function statusMarks(c: CaseSummary | CaseDetail): StatusBadge[] {
  const marks: StatusBadge[] = [];
  const open = c.status !== 'closed';
  if (c.overdue && open) marks.push({ label: T.status.overdue, tone: 'danger' });
  if (c.extended) marks.push({ label: T.status.extended, tone: 'warning' });
  if ('timeline' in c && c.timeline.some((e) => e.type === 'redirected' || e.type === 'reassigned')) marks.push({ label: T.status.redirected, tone: 'info' });
  if (c.round > 1) marks.push({ label: T.status.repeat, tone: 'warning' });
  if (c.accelerated) marks.push({ label: c.termAdvisory ? T.status.advisory : T.status.accelerated, tone: 'info' });
  return marks;
}

/** Timeline entries a citizen reads (reminders to the organisation are its own business). */
export function citizenTimeline(c: CaseDetail): CaseDetail['timeline'] {
  return c.timeline.filter((e) => e.type !== 'reminder');
}
