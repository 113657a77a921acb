// A poll's questions as the API takes them (openapi PollSettings), and the checks of its settings,
// answers and paper results. Answers and questions are checked by the shared poll rules
// (workflows/rules/poll.ts) through toRuleQuestions. Pure: imported by the API and by activities.
import { validatePollQuestions, validatePollResponse, type PollQuestion as RuleQuestion } from '../rules/poll';

export type QuestionKind = 'single' | 'multiple' | 'scale' | 'text';

export interface PollOption { id: string; text: string }

export interface PollQuestion {
  id: string;
  kind: QuestionKind;
  text: string;
  /** Default true. */
  required?: boolean;
  /** single, multiple. */
  options?: PollOption[];
  /** multiple: at most this many options (default: all). */
  maxChoices?: number;
  /** scale: the integer range (default 1..5). */
  scaleMin?: number;
  scaleMax?: number;
  /** text: the longest answer accepted (default 2000). */
  maxLength?: number;
}

export interface PollSettings { questions: PollQuestion[] }

export type PollAnswer = string | number | string[];
export type PollAnswers = Record<string, PollAnswer>;

export interface OfflinePollResults {
  respondents?: number;
  answers?: Record<string, { counts?: Record<string, number>; texts?: string[] }>;
}

export const DEFAULT_TEXT_LENGTH = 2000;

export function scaleRange(q: PollQuestion): [number, number] {
  return [q.scaleMin ?? 1, q.scaleMax ?? 5];
}

/** Problems with a poll's settings (empty when they can be used). */
export function pollSettingsProblems(s: PollSettings): string[] {
  const out: string[] = [];
  if (!s || !Array.isArray(s.questions) || s.questions.length === 0) return ['a poll needs at least one question'];
  const ids = new Set<string>();
  for (const q of s.questions) {
    const at = `question ${q.id}`;
    if (ids.has(q.id)) out.push(`${at} appears more than once`);
    ids.add(q.id);
    if (q.kind === 'single' || q.kind === 'multiple') {
      const options = q.options ?? [];
      if (options.length < 2) out.push(`${at} needs at least two options`);
      const optionIds = new Set(options.map((o) => o.id));
      if (optionIds.size !== options.length) out.push(`${at} has options with the same id`);
      if (q.kind === 'multiple' && q.maxChoices !== undefined && q.maxChoices > options.length) {
        out.push(`${at}: maxChoices ${q.maxChoices} is more than its ${options.length} options`);
      }
      if (q.kind === 'single' && q.maxChoices !== undefined) out.push(`${at}: maxChoices applies to multiple-choice questions only`);
    } else if (q.options !== undefined && q.options.length > 0) {
      out.push(`${at}: options apply to single and multiple choice questions only`);
    }
    if (q.kind === 'scale') {
      const [min, max] = scaleRange(q);
      if (min >= max) out.push(`${at}: scaleMin must be less than scaleMax`);
      if (max - min > 100) out.push(`${at}: a scale may have at most 101 points`);
    } else if (q.scaleMin !== undefined || q.scaleMax !== undefined) {
      out.push(`${at}: scaleMin and scaleMax apply to scale questions only`);
    }
    if (q.kind !== 'text' && q.maxLength !== undefined) out.push(`${at}: maxLength applies to free-text questions only`);
  }
  if (out.length === 0) {
    try {
      validatePollQuestions(toRuleQuestions(s.questions));
    } catch (e) {
      out.push(ruleMessage(e));
    }
  }
  return out;
}

/** The questions as the shared poll rules know them (scale bounds, option labels, required explicit). */
export function toRuleQuestions(questions: readonly PollQuestion[]): RuleQuestion[] {
  return questions.map((q): RuleQuestion => {
    const base = { id: q.id, text: q.text, required: q.required !== false };
    switch (q.kind) {
      case 'single':
        return { ...base, kind: 'single', options: (q.options ?? []).map((o) => ({ id: o.id, label: o.text })) };
      case 'multiple':
        return { ...base, kind: 'multiple', options: (q.options ?? []).map((o) => ({ id: o.id, label: o.text })), ...(q.maxChoices !== undefined ? { maxChoices: q.maxChoices } : {}) };
      case 'scale': {
        const [min, max] = scaleRange(q);
        return { ...base, kind: 'scale', min, max };
      }
      default:
        return { ...base, kind: 'text', maxLength: q.maxLength ?? DEFAULT_TEXT_LENGTH };
    }
  });
}

function ruleMessage(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/^Invalid poll( response| question)?: /, '');
}

/**
 * Problems with one person's answers (empty when valid), by the shared rules: to skip an optional
 * question, leave it out; an empty text or list is refused.
 */
export function pollAnswerProblems(s: PollSettings, answers: PollAnswers | undefined): string[] {
  if (!answers || typeof answers !== 'object') return ['a poll takes answers: question id → answer'];
  try {
    validatePollResponse(toRuleQuestions(s.questions), answers);
    return [];
  } catch (e) {
    return [ruleMessage(e)];
  }
}

/** Problems with paper results of a poll (empty when valid). */
export function offlinePollProblems(s: PollSettings, r: OfflinePollResults): string[] {
  const out: string[] = [];
  if (r.respondents === undefined) out.push('respondents: the number of paper questionnaires is needed');
  const respondents = r.respondents ?? 0;
  const byId = new Map(s.questions.map((q) => [q.id, q] as const));
  for (const [qid, res] of Object.entries(r.answers ?? {})) {
    const q = byId.get(qid);
    if (!q) { out.push(`there is no question ${qid}`); continue; }
    const at = `question ${qid}`;
    const counts = res.counts ?? {};
    if (q.kind === 'text') {
      if (Object.keys(counts).length > 0) out.push(`${at} is free text: give texts, not counts`);
      if ((res.texts ?? []).length > respondents) out.push(`${at}: more texts than respondents`);
      continue;
    }
    if (res.texts !== undefined && res.texts.length > 0) out.push(`${at} is not free text: give counts, not texts`);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (q.kind === 'scale') {
      const [min, max] = scaleRange(q);
      for (const k of Object.keys(counts)) if (!/^-?\d+$/.test(k) || Number(k) < min || Number(k) > max) out.push(`${at}: ${k} is not on the scale ${min}..${max}`);
    } else {
      const options = new Set((q.options ?? []).map((o) => o.id));
      for (const k of Object.keys(counts)) if (!options.has(k)) out.push(`${at} has no option ${k}`);
    }
    if (q.kind !== 'multiple' && total > respondents) out.push(`${at}: ${total} answers counted for ${respondents} respondents`);
    if (q.kind === 'multiple') for (const [k, n] of Object.entries(counts)) if (n > respondents) out.push(`${at}: option ${k} counted ${n} times for ${respondents} respondents`);
  }
  return out;
}
