// Public hearings: their settings' rules in the events core, the announcement and terms as the public
// sees them, registrations of participants (one per person), and the organiser's protocol and conclusion.
// Written proposals are those of discussions (./discussion.ts).
import {
  announcementProblem, hearingSettingsProblems, latestAnnouncement, publishConclusionUpdate, publishProtocolUpdate,
  type HearingExtra, type HearingSettings,
} from '../../workflows/hearing/messages';
import type { ParticipationState } from '../../workflows/participation/messages';
import type { Db } from '../../db/connection';
import { actorOf } from '../cases/commands';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import type { TemporalContext } from '../temporal';
import { organisedEvent, visibleEvent } from './access';
import { runEventUpdate } from './commands';
import { canOverseeEvent, requireType } from './discussion';
import type { ParticipationManifest } from './manifest';
import { overlayEventState, waitForEventProjection, type EventRow } from './read-model';
import { eligibilityProblem } from './participants';

/**
 * A hearing's manifest (domain/participation/registry.ts): its settings. It takes registrations and
 * written proposals (./discussion.ts), not responses or paper results; its results are what its workflow
 * publishes with the conclusion.
 */
export const hearingManifest: ParticipationManifest<'hearing'> = {
  type: 'hearing',
  workflowType: 'hearingWorkflow',
  async settings(_db, settings, event) {
    const issues = hearingSettingsProblems(settings, event.schedule);
    if (issues.length === 0) {
      const late = announcementProblem(settings as unknown as HearingSettings, new Date().toISOString());
      if (late) issues.push(`it is already too late to announce this hearing: ${late.replace(/; it is too late.*$/, '')}`);
    }
    return { problems: issues };
  },
  response: null,
  offline: null,
  results: null,
};

const iso = (v: Date | string | null | undefined): string | null => (v == null ? null : new Date(v).toISOString());

export async function hearingView(db: Db, row: EventRow, user: AuthUser) {
  const s = row.settings as unknown as HearingSettings;
  const e = ((row.state as Partial<ParticipationState>)?.extra ?? {}) as Partial<HearingExtra>;
  const [{ n }] = await db('hearing_registrations').where({ event_id: row.id }).count<{ n: string }[]>('* as n');
  const doc = (d: HearingExtra['protocol'] | undefined) => (d ? { text: d.text, attachments: d.attachments, publishedAt: d.publishedAt } : null);
  const body: Record<string, unknown> = {
    eventId: row.id,
    status: row.status,
    phase: row.phase ?? null,
    announcement: {
      hearingAt: iso(s.hearingAt), place: s.place, subject: s.subject, announceDaysBefore: s.announceDaysBefore,
      latestAnnouncementAt: latestAnnouncement(s),
    },
    proposalWindow: { opensAt: iso(row.opens_at), closesAt: iso(row.closes_at) },
    hearingHeld: e.hearingHeld ?? false,
    heldAt: e.heldAt ?? null,
    protocolDueAt: e.protocolDueAt ?? null,
    conclusionDueAt: e.conclusionDueAt ?? null,
    protocolOverdue: e.protocolOverdue ?? false,
    conclusionOverdue: e.conclusionOverdue ?? false,
    protocol: doc(e.protocol),
    conclusion: doc(e.conclusion),
    registrations: Number(n),
  };
  if (user.role === 'citizen') body.registered = !!(await db('hearing_registrations').where({ event_id: row.id, user_id: user.id }).first('id'));
  return body;
}

function toRegistration(r: Record<string, unknown>, withUser: boolean) {
  return {
    id: Number(r.id), eventId: r.event_id as string, name: r.name as string, willSpeak: r.will_speak as boolean,
    createdAt: iso(r.created_at as Date) as string, ...(withUser ? { userId: r.user_id as number } : {}),
  };
}

/** Publishes the hearing's protocol or conclusion (a workflow update) and returns the hearing as it leaves it. */
export async function publishHearingDocument(
  ctx: TemporalContext, user: AuthUser, eventId: string, action: 'protocol' | 'conclusion',
  body: { text: string; attachments?: string[] }, idempotencyKey?: string,
) {
  const row = await organisedEvent(ctx.db, user, eventId);
  requireType(row, ['hearing'], action);
  const arg = { actor: actorOf(user), text: body.text, attachments: body.attachments ?? [] };
  const state = await runEventUpdate(ctx, row, action === 'protocol' ? publishProtocolUpdate : publishConclusionUpdate, arg,
    idempotencyKey ? `${row.id}:${action}:${idempotencyKey}` : undefined);
  const fresh = (await waitForEventProjection(ctx.db, row.id, state.seq)) ?? row;
  return hearingView(ctx.db, fresh.last_seq >= state.seq ? fresh : overlayEventState(fresh, state), user);
}

/** The hearing as the user may see it. */
export async function visibleHearing(db: Db, user: AuthUser, eventId: string) {
  const row = await visibleEvent(db, user, eventId);
  requireType(row, ['hearing'], 'hearing');
  return hearingView(db, row, user);
}

/** One registration per person, once the hearing is announced and before it is held. */
export async function registerForHearing(db: Db, user: AuthUser, eventId: string, body: { name: string; willSpeak?: boolean }) {
  const row = await visibleEvent(db, user, eventId);
  requireType(row, ['hearing'], 'registrations');
  const s = row.settings as unknown as HearingSettings;
  const held = ((row.state as Partial<ParticipationState>)?.extra as Partial<HearingExtra> | undefined)?.hearingHeld ?? false;
  if (!['scheduled', 'open', 'closed'].includes(row.status) || held || Date.now() >= Date.parse(s.hearingAt)) {
    throw problems.invalidTransition(row.status === 'draft'
      ? `Hearing ${row.id} is not announced yet.`
      : `Registration for hearing ${row.id} is over: ${row.status === 'cancelled' ? 'it was cancelled' : `the hearing ${held || Date.now() >= Date.parse(s.hearingAt) ? 'has taken place' : 'is ' + row.status}`}.`);
  }
  const ineligible = await eligibilityProblem(db, row, user.id);
  if (ineligible) throw problems.forbidden(`You cannot take part in this hearing: ${ineligible}.`);
  const inserted = await db.raw(
    `insert into hearing_registrations (event_id, user_id, name, will_speak)
     select ?, ?, ?, ? where exists (select 1 from participation_events where id = ? and status in ('scheduled', 'open', 'closed'))
     on conflict (event_id, user_id) do nothing
     returning *`,
    [row.id, user.id, body.name, body.willSpeak ?? false, row.id],
  );
  if (inserted.rows.length === 1) return toRegistration(inserted.rows[0], false);
  if (await db('hearing_registrations').where({ event_id: row.id, user_id: user.id }).first('id')) {
    throw problems.conflict('You are already registered for this hearing. One registration per person is accepted.');
  }
  throw problems.invalidTransition(`Registration for hearing ${row.id} is closed.`);
}

/** The registrations, for the organisers and the region's supervisors. */
export async function hearingRegistrations(db: Db, user: AuthUser, eventId: string) {
  const row = await visibleEvent(db, user, eventId);
  requireType(row, ['hearing'], 'registrations');
  if (!canOverseeEvent(user, row)) throw problems.forbidden('Only the organisers and the region\'s supervisors see the registrations.');
  const rows = await db('hearing_registrations').where({ event_id: row.id }).orderBy('id');
  return { items: rows.map((r) => toRegistration(r, true)), count: rows.length };
}
