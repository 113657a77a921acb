// A new event as the console's editor holds it (text inputs, lists of questions, projects and points) and
// the POST /events body made from it: the schedule as instants with the region's offset, the audience,
// and the type's settings (PollSettings, VoteSettings, DiscussionSettings, HearingSettings of the spec).
// Pure and deterministic: the same form and zone give the same body (Intl's zone data is the browser's).
import type { components } from '../../../../openapi/types';

type Schemas = components['schemas'];
export type QuestionKind = Schemas['PollQuestion']['kind'];
export type VoteKind = Schemas['VoteSettings']['kind'];
export type WinnerRule = NonNullable<Schemas['VoteSettings']['rule']>;

export interface QuestionForm {
  kind: QuestionKind; text: string; required: boolean; options: string[];
  maxChoices: string; scaleMin: string; scaleMax: string; maxLength: string;
}
export interface ProjectForm { name: string; description: string; cost: string }
export interface VoteForm {
  kind: VoteKind; rule: WinnerRule; maxApprovals: string; seats: string; budget: string;
  projects: ProjectForm[]; acceptsProjects: boolean; projectsCloseAt: string;
}
export interface DiscussionForm { points: string[]; answerTermDays: string }
export interface HearingForm {
  hearingAt: string; place: string; subject: string; announceDaysBefore: string; protocolTermDays: string; conclusionTermDays: string;
}

export interface EventForm {
  type: Schemas['ParticipationType'];
  organisationId: string;
  title: string;
  description: string;
  /** datetime-local values, wall time of the region's zone. */
  opensAt: string;
  closesAt: string;
  liveResults: boolean;
  anonymous: boolean;
  territoryIds: string[];
  minAge: string;
  questions: QuestionForm[];
  vote: VoteForm;
  discussion: DiscussionForm;
  hearing: HearingForm;
}

export const EMPTY_QUESTION: QuestionForm = { kind: 'single', text: '', required: true, options: ['', ''], maxChoices: '', scaleMin: '1', scaleMax: '5', maxLength: '' };
export const EMPTY_PROJECT: ProjectForm = { name: '', description: '', cost: '' };

export const EMPTY_EVENT: EventForm = {
  type: 'poll', organisationId: '', title: '', description: '', opensAt: '', closesAt: '', liveResults: false, anonymous: false,
  territoryIds: [], minAge: '', questions: [EMPTY_QUESTION],
  vote: { kind: 'approval', rule: 'most_votes', maxApprovals: '', seats: '', budget: '', projects: [EMPTY_PROJECT], acceptsProjects: false, projectsCloseAt: '' },
  discussion: { points: [''], answerTermDays: '30' },
  hearing: { hearingAt: '', place: '', subject: '', announceDaysBefore: '7', protocolTermDays: '10', conclusionTermDays: '15' },
};

/** The list with item `from` moved to `to` (both within the list). */
export function moved<I>(items: readonly I[], from: number, to: number): I[] {
  const out = [...items];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item!);
  return out;
}

function wallParts(ms: number, timeZone: string): number[] {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((t) => Number(parts.find((p) => p.type === t)!.value));
}

/** Minutes the zone is ahead of UTC at the instant `ms`. */
function offsetMinutes(ms: number, timeZone: string): number {
  const [y, mo, d, h, mi, s] = wallParts(ms, timeZone);
  return Math.round((Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - Math.floor(ms / 1000) * 1000) / 60_000);
}

const two = (n: number) => String(n).padStart(2, '0');

/** A datetime-local value read as wall time in `timeZone`: "2026-12-10T09:00" → "2026-12-10T09:00:00+07:00". */
export function zonedInstant(local: string, timeZone: string): string {
  const [date, time = '00:00'] = local.split('T');
  const [y, mo, d] = date!.split('-').map(Number);
  const [h, mi, s = 0] = time.split(':').map(Number);
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s);
  const offset = offsetMinutes(wall - offsetMinutes(wall, timeZone) * 60_000, timeZone);
  const sign = offset < 0 ? '-' : '+';
  return `${date}T${two(h!)}:${two(mi!)}:${two(s)}${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

/** An instant as a datetime-local value of wall time in `timeZone`: the inverse of zonedInstant. */
export function zonedLocal(iso: string, timeZone: string): string {
  const [y, mo, d, h, mi] = wallParts(Date.parse(iso), timeZone);
  return `${y}-${two(mo!)}-${two(d!)}T${two(h!)}:${two(mi!)}`;
}

/** The draft's points as the numbered text DiscussionSettings.draftText splits back into them. */
export function draftText(points: readonly string[]): string {
  return points.map((p) => p.trim()).filter(Boolean).map((p, i) => `${i + 1}. ${p}`).join('\n');
}

/** A whole number typed in a field, or undefined when the field is empty. */
const whole = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
/** Only the keys whose value is set. */
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

export function pollQuestion(q: QuestionForm, i: number): Schemas['PollQuestion'] {
  const choice = q.kind === 'single' || q.kind === 'multiple';
  return defined({
    id: `q${i + 1}`, kind: q.kind, text: q.text.trim(), required: q.required,
    options: choice ? q.options.map((text, j) => ({ id: `o${j + 1}`, text: text.trim() })) : undefined,
    maxChoices: q.kind === 'multiple' ? whole(q.maxChoices) : undefined,
    scaleMin: q.kind === 'scale' ? whole(q.scaleMin) : undefined,
    scaleMax: q.kind === 'scale' ? whole(q.scaleMax) : undefined,
    maxLength: q.kind === 'text' ? whole(q.maxLength) : undefined,
  }) as Schemas['PollQuestion'];
}

export function voteSettings(v: VoteForm, timeZone: string): Schemas['VoteSettings'] {
  const rule = v.kind === 'single_choice' ? undefined : v.kind === 'budget' && v.rule === 'most_votes' ? 'greedy' : v.rule;
  return defined({
    kind: v.kind, rule,
    maxApprovals: v.kind === 'approval' ? whole(v.maxApprovals) : undefined,
    seats: rule === 'most_votes' ? whole(v.seats) : undefined,
    budget: v.kind === 'budget' || (rule && rule !== 'most_votes') ? whole(v.budget) : undefined,
    projects: v.projects.map((p, i) => defined({ id: `p${i + 1}`, name: p.name.trim(), description: p.description.trim(), cost: whole(p.cost) ?? 0 })),
    acceptsProjects: v.acceptsProjects,
    projectsCloseAt: v.acceptsProjects && v.projectsCloseAt ? zonedInstant(v.projectsCloseAt, timeZone) : undefined,
  }) as Schemas['VoteSettings'];
}

export function eventSettings(f: EventForm, timeZone: string): Schemas['EventCreate']['settings'] {
  const h = f.hearing;
  switch (f.type) {
    case 'poll': return { questions: f.questions.map(pollQuestion) };
    case 'vote': return voteSettings(f.vote, timeZone);
    case 'discussion': return { draftText: draftText(f.discussion.points), answerTermDays: Number(f.discussion.answerTermDays) };
    case 'hearing': return {
      hearingAt: h.hearingAt ? zonedInstant(h.hearingAt, timeZone) : '', place: h.place.trim(), subject: h.subject.trim(),
      announceDaysBefore: Number(h.announceDaysBefore), protocolTermDays: Number(h.protocolTermDays), conclusionTermDays: Number(h.conclusionTermDays),
    };
  }
}

export function eventCreate(f: EventForm, timeZone: string): Schemas['EventCreate'] {
  const audience = defined({ territoryIds: f.territoryIds.length ? f.territoryIds : undefined, minAge: whole(f.minAge) });
  return {
    type: f.type, organisationId: f.organisationId, title: f.title.trim(), anonymous: f.anonymous,
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
    ...(Object.keys(audience).length ? { audience } : {}),
    schedule: {
      opensAt: f.opensAt ? zonedInstant(f.opensAt, timeZone) : '', closesAt: f.closesAt ? zonedInstant(f.closesAt, timeZone) : '',
      resultsVisibility: f.liveResults ? 'live' : 'after_close',
    },
    settings: eventSettings(f, timeZone),
  };
}
