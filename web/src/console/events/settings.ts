// The type-specific settings of a new event, from the console's simple form: a poll with one single-choice
// question, a vote for approved projects, a discussion of a draft, a hearing. Pure.
import type { components } from '../../../../openapi/types';

type Schemas = components['schemas'];

export interface EventForm {
  type: Schemas['ParticipationType'];
  organisationId: string;
  title: string;
  description: string;
  opensAt: string;
  closesAt: string;
  question: string;
  /** One option (poll) or project (vote) a line. */
  lines: string;
  draftText: string;
  answerTermDays: string;
  hearingAt: string;
  place: string;
  subject: string;
}

export const EMPTY_EVENT: EventForm = {
  type: 'poll', organisationId: '', title: '', description: '', opensAt: '', closesAt: '', question: '', lines: '',
  draftText: '', answerTermDays: '15', hearingAt: '', place: '', subject: '',
};

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** A datetime-local value (the browser's zone) as an instant. */
export function instant(local: string): string {
  return new Date(local).toISOString();
}

export function eventSettings(f: EventForm): Record<string, unknown> {
  switch (f.type) {
    case 'poll':
      return { questions: [{ id: 'q1', kind: 'single', text: f.question.trim(), options: lines(f.lines).map((text, i) => ({ id: `o${i + 1}`, text })) }] };
    case 'vote':
      return { kind: 'approval', projects: lines(f.lines).map((name, i) => ({ id: `p${i + 1}`, name, cost: 0 })) };
    case 'discussion':
      return { draftText: f.draftText.trim(), answerTermDays: Number(f.answerTermDays) };
    case 'hearing':
      return { hearingAt: instant(f.hearingAt), place: f.place.trim(), subject: f.subject.trim(), announceDaysBefore: 0, protocolTermDays: 10, conclusionTermDays: 15 };
  }
}

export function eventCreate(f: EventForm): Schemas['EventCreate'] {
  return {
    type: f.type, organisationId: f.organisationId, title: f.title.trim(), anonymous: false, ...(f.description.trim() ? { description: f.description.trim() } : {}),
    schedule: { opensAt: instant(f.opensAt), closesAt: instant(f.closesAt), resultsVisibility: 'after_close' }, settings: eventSettings(f) as Schemas['EventCreate']['settings'],
  };
}
