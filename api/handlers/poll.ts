// Polls: their rules plugged into the events core (settings, answers, paper results, results). A poll
// has no operations of its own: it is created, answered and read through /events.
import { computePollResults } from '../../domain/participation/poll';
import {
  offlinePollProblems, pollAnswerProblems, pollSettingsProblems, type OfflinePollResults, type PollAnswers, type PollSettings,
} from '../../workflows/poll/questions';
import type { Handlers } from '../routes';
import { registerParticipationType } from '../../domain/participation/registry';

registerParticipationType('poll', {
  async settings(_db, settings) {
    const s = settings as unknown as PollSettings;
    const problems = pollSettingsProblems(s);
    // Stored with the defaults made explicit (required: true).
    return { problems, settings: { ...s, questions: (s.questions ?? []).map((q) => ({ ...q, required: q.required !== false })) } };
  },
  async response(_db, row, body) {
    if (body.approved !== undefined) return { problems: ['a poll takes answers, not a ballot'] };
    const answers = body.answers as PollAnswers | undefined;
    const problems = pollAnswerProblems(row.settings as unknown as PollSettings, answers);
    if (problems.length > 0) return { problems };
    return { problems: [], payload: { answers } };
  },
  async offline(_db, row, payload) {
    const p = (payload ?? {}) as OfflinePollResults & { ballots?: unknown };
    if (p.ballots !== undefined) return ['a poll takes paper answers (respondents, answers), not ballots'];
    return offlinePollProblems(row.settings as unknown as PollSettings, p);
  },
  results: (db, eventId) => computePollResults(db, eventId),
});

export const pollHandlers = {} satisfies Partial<Handlers>;
