// How long a participation event may run in its region: the regulation profile may set an allowed range
// of calendar days per participation type (Khabarovsk's order 232-рп: discussions, votes and polls run
// 15–30 calendar days). A type the profile says nothing about is not limited here (only the platform's
// own bounds in participation/lifecycle.ts apply).
// Pure and deterministic: no clock, no I/O; used by the events API (create and extend).
import type { ParticipationType } from '../participation/lifecycle';

/** An allowed duration in calendar days, both ends included. */
export interface DurationRange {
  minDays: number;
  maxDays: number;
}

/** The participation types a profile may limit (every type the spec has: tsc refuses one it does not). */
export const LIMITED_TYPES = ['poll', 'vote', 'discussion', 'hearing'] as const satisfies readonly ParticipationType[];

/** The profile's ranges by participation type; a type absent is not limited. */
export type EventDurations = Partial<Record<string, DurationRange>>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The event's length in days (fractional), from opensAt to closesAt. */
export function eventDays(opensAt: string, closesAt: string): number {
  return (Date.parse(closesAt) - Date.parse(opensAt)) / DAY_MS;
}

function days(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * Why a schedule does not fit the region's range for this type, or null when it fits (or no range is
 * set). Instants that do not parse are left to the schedule's own checks (null here).
 */
export function eventDurationProblem(type: string, schedule: { opensAt: string; closesAt: string }, durations: EventDurations | null | undefined): string | null {
  const range = durations?.[type];
  if (!range) return null;
  const length = eventDays(schedule.opensAt, schedule.closesAt);
  if (Number.isNaN(length)) return null;
  if (length < range.minDays || length > range.maxDays) {
    return `a ${type} in this region runs from ${range.minDays} to ${range.maxDays} calendar days (the region's regulation); this schedule gives ${days(length)}`;
  }
  return null;
}

/** Whether a range read from a region's profile is usable: whole days, 1 ≤ min ≤ max ≤ 366. */
export function isDurationRange(v: unknown): v is DurationRange {
  if (!v || typeof v !== 'object') return false;
  const { minDays, maxDays } = v as Record<string, unknown>;
  return Number.isInteger(minDays) && Number.isInteger(maxDays) && (minDays as number) >= 1 && (minDays as number) <= (maxDays as number) && (maxDays as number) <= 366;
}
