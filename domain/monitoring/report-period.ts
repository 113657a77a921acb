// The period of a monitoring report: whole days [from, to) in the region's time zone, and the period of
// the same length just before it (for the trend). Pure and deterministic: `today` is given, never read.
import { DateTime } from 'luxon';

export interface ReportPeriodDays {
  from: string;
  to: string;
  previousFrom: string;
  /** Instants of from, to and previousFrom in the region's time zone. */
  fromAt: Date;
  toAt: Date;
  previousFromAt: Date;
}

export class ReportPeriodError extends Error {}

/** At most two years: a longer period is a question for the indicators' rollups, not for event scans. */
export const MAX_PERIOD_DAYS = 731;

export function reportPeriod(q: { from?: string; to?: string }, defaultDays: number, today: string, timeZone: string): ReportPeriodDays {
  const day = (iso: string) => DateTime.fromISO(iso, { zone: timeZone }).startOf('day');
  const to = q.to ? day(q.to) : day(today).plus({ days: 1 });
  const from = q.from ? day(q.from) : to.minus({ days: defaultDays });
  if (!from.isValid || !to.isValid) throw new ReportPeriodError('from and to must be calendar dates YYYY-MM-DD');
  const days = Math.round(to.diff(from, 'days').days);
  if (days < 1) throw new ReportPeriodError('from must be before to');
  if (days > MAX_PERIOD_DAYS) throw new ReportPeriodError(`a period of at most ${MAX_PERIOD_DAYS} days`);
  const previousFrom = from.minus({ days });
  return {
    from: from.toISODate()!, to: to.toISODate()!, previousFrom: previousFrom.toISODate()!,
    fromAt: from.toJSDate(), toAt: to.toJSDate(), previousFromAt: previousFrom.toJSDate(),
  };
}

/** Today's date in the time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}
