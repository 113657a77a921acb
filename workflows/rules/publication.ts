// The rules of a publication on an official page: a draft is approved by a second person (never its
// author), may be rescheduled or cancelled until it is being published, and is due at its time. Pure and
// deterministic: imported by workflow code (no node: imports, no clock, no I/O); `now` is given.
import { FAILURE, Refused } from '../shared/failures';
import type {
  ApprovePublication, CancelPublication, PublicationInput, PublicationState, PublicationStatus, ReschedulePublication,
} from '../publication/messages';

/** Still changeable: not yet handed to the network. */
const OPEN: PublicationStatus[] = ['draft', 'scheduled'];

export function startingPublication(input: PublicationInput): PublicationState {
  return {
    publicationId: input.publicationId, status: 'draft', authorUserId: input.authorUserId, publishAt: input.publishAt,
    approvedBy: null, approvedAt: null, publishedAt: null, networkPostId: null, networkPostUrl: null,
    error: null, cancelReason: null, seq: 0,
  };
}

/** A time as an ISO instant in UTC; before the year 10000, which the read model (PostgreSQL) cannot store. */
export function publicationInstant(value: string, what = 'publishAt'): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Refused(FAILURE.invalidInput, `${what} must be a date and time, got ${JSON.stringify(value)}.`);
  const d = new Date(ms);
  if (d.getUTCFullYear() > 9999) throw new Refused(FAILURE.invalidInput, `${what} must be before the year 10000 (UTC).`);
  return d.toISOString();
}

/** Approval: of a draft, by someone other than its author (the four-eyes rule of official pages). */
export function approve(state: PublicationState, args: ApprovePublication, now: string): PublicationState {
  if (state.status !== 'draft') throw new Refused(FAILURE.invalidTransition, `Only a draft can be approved; the publication is ${state.status}.`);
  if (args.actor.userId === null || args.actor.userId === state.authorUserId) {
    throw new Refused(FAILURE.forbidden, 'A publication is approved by a second person, not by its author.');
  }
  return { ...state, status: 'scheduled', approvedBy: args.actor.userId, approvedAt: now };
}

/** A new time, while the publication is a draft or scheduled. */
export function reschedule(state: PublicationState, args: ReschedulePublication): PublicationState {
  if (!OPEN.includes(state.status)) throw new Refused(FAILURE.invalidTransition, `The publication is ${state.status}; its time can no longer change.`);
  return { ...state, publishAt: publicationInstant(args.publishAt) };
}

/** Withdrawal, while the publication is a draft or scheduled. */
export function cancel(state: PublicationState, args: CancelPublication): PublicationState {
  if (!OPEN.includes(state.status)) throw new Refused(FAILURE.invalidTransition, `The publication is ${state.status}; it can no longer be cancelled.`);
  if (!args.reason.trim()) throw new Refused(FAILURE.invalidInput, 'A cancellation needs a reason.');
  return { ...state, status: 'cancelled', cancelReason: args.reason };
}

/** Approved and its time has come. */
export function isDue(state: PublicationState, now: string): boolean {
  return state.status === 'scheduled' && Date.parse(state.publishAt) <= Date.parse(now);
}
