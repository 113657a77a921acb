// Polls: question types, validation of one person's response, aggregated results, and the merge of
// paper/offline results recorded apart. Pure and deterministic: imported by workflow code and by the API
// (no node: imports, no clock, no randomness, no I/O).
import { show } from './answer-term';

// ---------------------------------------------------------------------------------------------------
// Types

export interface PollOption {
  id: string;
  label?: string;
}

interface QuestionBase {
  id: string;
  text?: string;
  /** A required question must be answered; an optional one may be left out (absent, null or undefined). */
  required: boolean;
}

export interface SingleChoiceQuestion extends QuestionBase {
  kind: 'single';
  options: PollOption[];
}

export interface MultipleChoiceQuestion extends QuestionBase {
  kind: 'multiple';
  options: PollOption[];
  /** At most this many options (default: all of them). */
  maxChoices?: number;
}

export interface ScaleQuestion extends QuestionBase {
  kind: 'scale';
  /** Integers, min < max, at most MAX_SCALE_SPAN apart (e.g. 1..5, 0..10). */
  min: number;
  max: number;
}

export interface TextQuestion extends QuestionBase {
  kind: 'text';
  /** In characters (Unicode code points); default DEFAULT_TEXT_MAX_LENGTH. */
  maxLength?: number;
}

export type PollQuestion = SingleChoiceQuestion | MultipleChoiceQuestion | ScaleQuestion | TextQuestion;
export type PollQuestionKind = PollQuestion['kind'];

/** single: an option id; multiple: option ids; scale: an integer; text: a string. */
export type PollAnswer = string | string[] | number;

/** One person's answers by question id; a question left out (or null/undefined) is not answered. */
export type PollResponse = Record<string, PollAnswer | null | undefined>;

export const DEFAULT_TEXT_MAX_LENGTH = 2000;
export const MAX_TEXT_LENGTH = 20000;
export const MAX_SCALE_SPAN = 100;

export interface OptionCount {
  optionId: string;
  label?: string;
  count: number;
  /** count / answered, rounded half up to 4 decimals (0 when nobody answered). */
  share: number;
}

export interface ChoiceResult {
  questionId: string;
  kind: 'single' | 'multiple';
  /** Respondents who answered this question: the denominator of the shares. */
  answered: number;
  /** In the question's option order. Multiple choice: shares may add up to more than 1. */
  options: OptionCount[];
}

export interface ScaleResult {
  questionId: string;
  kind: 'scale';
  answered: number;
  /** Every value from min to max, in order. */
  distribution: { value: number; count: number; share: number }[];
  /** Mean of the answers, rounded half up to 4 decimals; null when nobody answered. */
  mean: number | null;
}

export interface TextResult {
  questionId: string;
  kind: 'text';
  answered: number;
  /** The answers, trimmed, in the order the responses were given. */
  texts: string[];
}

export type QuestionResult = ChoiceResult | ScaleResult | TextResult;

export interface PollResults {
  /** Number of responses counted. */
  respondents: number;
  /** In the poll's question order. */
  questions: QuestionResult[];
}

export interface MergedQuestionResult {
  questionId: string;
  kind: PollQuestionKind;
  online: QuestionResult;
  offline: QuestionResult;
  /** Counts added up; shares and mean recomputed from the added counts. */
  total: QuestionResult;
}

export interface MergedPollResults {
  respondents: { online: number; offline: number; total: number };
  questions: MergedQuestionResult[];
}

// ---------------------------------------------------------------------------------------------------
// Helpers

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Like isPlainObject, without narrowing (so a typed value keeps its type). */
function isObject(v: unknown): boolean {
  return isPlainObject(v);
}

function isChoice(q: QuestionResult): q is ChoiceResult {
  return q.kind === 'single' || q.kind === 'multiple';
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isNonEmptyId(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= 200;
}

/** Length in Unicode code points (what a person counts as characters, emoji included). */
function textLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function fmtInt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** a / b rounded half up to 4 decimals with integer arithmetic (a, b integers, b > 0); 0 when b = 0. */
function ratio4(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.floor((2 * a * 10000 + b) / (2 * b)) / 10000;
}

// ---------------------------------------------------------------------------------------------------
// Validation

/** Throws when the questions themselves are malformed (ids, options, limits). */
export function validatePollQuestions(questions: readonly PollQuestion[]): void {
  if (!Array.isArray(questions) || questions.length === 0) {
    throw new Error(`Invalid poll: expected a non-empty list of questions, got ${show(questions)}`);
  }
  const ids = new Set<string>();
  for (const q of questions) {
    if (!isObject(q) || !isNonEmptyId(q.id)) throw new Error(`Invalid poll question: expected an id, got ${show(q)}`);
    if (ids.has(q.id)) throw new Error(`Invalid poll: duplicate question id ${show(q.id)}`);
    ids.add(q.id);
    if (typeof q.required !== 'boolean') {
      throw new Error(`Invalid poll question ${show(q.id)}: required must be true or false, got ${show(q.required)}`);
    }
    switch (q.kind) {
      case 'single':
      case 'multiple': {
        if (!Array.isArray(q.options) || q.options.length < 2) {
          throw new Error(`Invalid poll question ${show(q.id)}: a choice question needs at least 2 options`);
        }
        const optionIds = new Set<string>();
        for (const o of q.options) {
          if (!isObject(o) || !isNonEmptyId(o.id)) throw new Error(`Invalid poll question ${show(q.id)}: bad option ${show(o)}`);
          if (optionIds.has(o.id)) throw new Error(`Invalid poll question ${show(q.id)}: duplicate option id ${show(o.id)}`);
          optionIds.add(o.id);
        }
        if (q.kind === 'multiple' && q.maxChoices !== undefined) {
          if (!Number.isSafeInteger(q.maxChoices) || q.maxChoices < 1 || q.maxChoices > q.options.length) {
            throw new Error(`Invalid poll question ${show(q.id)}: maxChoices must be an integer from 1 to ${q.options.length}, got ${show(q.maxChoices)}`);
          }
        }
        break;
      }
      case 'scale':
        if (!Number.isSafeInteger(q.min) || !Number.isSafeInteger(q.max) || q.min >= q.max || q.max - q.min > MAX_SCALE_SPAN) {
          throw new Error(
            `Invalid poll question ${show(q.id)}: a scale needs integers min < max at most ${MAX_SCALE_SPAN} apart, got ${show(q.min)}..${show(q.max)}`,
          );
        }
        break;
      case 'text':
        if (q.maxLength !== undefined && (!Number.isSafeInteger(q.maxLength) || q.maxLength < 1 || q.maxLength > MAX_TEXT_LENGTH)) {
          throw new Error(`Invalid poll question ${show(q.id)}: maxLength must be an integer from 1 to ${MAX_TEXT_LENGTH}, got ${show(q.maxLength)}`);
        }
        break;
      default:
        throw new Error(
          `Invalid poll question ${show((q as { id: unknown }).id)}: kind must be single, multiple, scale or text, got ${show((q as { kind: unknown }).kind)}`,
        );
    }
  }
}

function fail(questionId: string, problem: string): never {
  throw new Error(`Invalid poll response: question ${show(questionId)}: ${problem}`);
}

/**
 * Throws an Error naming the problem when the response does not fit the questions: not an object, an
 * unknown question, a required question not answered, an answer of the wrong type, an unknown option, an
 * option twice, no option or too many options chosen, a scale value out of range or not an integer, an
 * empty (blank) text, a text over the length limit. To skip an optional question, leave it out (or send
 * null); an empty string or an empty list is an error, not a skip.
 */
export function validatePollResponse(questions: readonly PollQuestion[], answers: PollResponse): void {
  validatePollQuestions(questions);
  if (!isPlainObject(answers)) {
    throw new Error(`Invalid poll response: expected an object of answers by question id, got ${show(answers)}`);
  }
  const byId = new Map(questions.map((q) => [q.id, q] as const));
  for (const key of Object.keys(answers)) {
    if (!byId.has(key)) throw new Error(`Invalid poll response: unknown question ${show(key)}`);
  }
  for (const q of questions) {
    const a = Object.prototype.hasOwnProperty.call(answers, q.id) ? answers[q.id] : undefined;
    if (a === undefined || a === null) {
      if (q.required) throw new Error(`Invalid poll response: question ${show(q.id)} is required`);
      continue;
    }
    switch (q.kind) {
      case 'single':
        if (typeof a !== 'string') fail(q.id, `expected one option id, got ${show(a)}`);
        if (!q.options.some((o) => o.id === a)) fail(q.id, `unknown option ${show(a)}`);
        break;
      case 'multiple': {
        if (!Array.isArray(a)) fail(q.id, `expected a list of option ids, got ${show(a)}`);
        if (a.length === 0) fail(q.id, 'no option chosen');
        const seen = new Set<string>();
        for (const id of a) {
          if (typeof id !== 'string') fail(q.id, `expected option ids, got ${show(id)}`);
          if (!q.options.some((o) => o.id === id)) fail(q.id, `unknown option ${show(id)}`);
          if (seen.has(id)) fail(q.id, `option ${show(id)} is chosen more than once`);
          seen.add(id);
        }
        const max = q.maxChoices ?? q.options.length;
        if (a.length > max) fail(q.id, `too many choices: at most ${max}, got ${a.length}`);
        break;
      }
      case 'scale':
        if (typeof a !== 'number' || !Number.isInteger(a) || a < q.min || a > q.max) {
          fail(q.id, `out of scale: expected an integer from ${q.min} to ${q.max}, got ${show(a)}`);
        }
        break;
      case 'text': {
        if (typeof a !== 'string') fail(q.id, `expected text, got ${show(a)}`);
        if (a.trim() === '') fail(q.id, 'the text is empty');
        const max = q.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
        const length = textLength(a.trim());
        if (length > max) fail(q.id, `the text is ${fmtInt(length)} characters long, over the limit of ${fmtInt(max)}`);
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Results

function choiceResult(q: SingleChoiceQuestion | MultipleChoiceQuestion, counts: Map<string, number>, answered: number): ChoiceResult {
  return {
    questionId: q.id,
    kind: q.kind,
    answered,
    options: q.options.map((o) => {
      const count = counts.get(o.id) ?? 0;
      return { optionId: o.id, ...(o.label !== undefined ? { label: o.label } : {}), count, share: ratio4(count, answered) };
    }),
  };
}

function scaleResult(questionId: string, counts: { value: number; count: number }[]): ScaleResult {
  const answered = counts.reduce((s, c) => s + c.count, 0);
  const sum = counts.reduce((s, c) => s + c.value * c.count, 0);
  return {
    questionId,
    kind: 'scale',
    answered,
    distribution: counts.map((c) => ({ value: c.value, count: c.count, share: ratio4(c.count, answered) })),
    mean: answered === 0 ? null : ratio4(sum, answered),
  };
}

/**
 * Aggregates valid responses (each is validated; the error names the response's position). Per question:
 * choice questions, counts and shares per option; a scale, the distribution over every value and the mean;
 * free text, the list of texts. Shares are fractions of the respondents who answered that question (not of
 * all respondents), rounded half up to 4 decimals, e.g. 2 of 3 → 0.6667; the mean is rounded the same way.
 */
export function pollResults(questions: readonly PollQuestion[], responses: readonly PollResponse[]): PollResults {
  validatePollQuestions(questions);
  responses.forEach((r, i) => {
    try {
      validatePollResponse(questions, r);
    } catch (e) {
      throw new Error(`${(e as Error).message} (response #${i + 1})`);
    }
  });
  const answersTo = (id: string) => responses.map((r) => r[id]).filter((a): a is PollAnswer => a !== undefined && a !== null);
  return {
    respondents: responses.length,
    questions: questions.map((q): QuestionResult => {
      const given = answersTo(q.id);
      switch (q.kind) {
        case 'single':
        case 'multiple': {
          const counts = new Map<string, number>();
          for (const a of given) for (const id of typeof a === 'string' ? [a] : (a as string[])) counts.set(id, (counts.get(id) ?? 0) + 1);
          return choiceResult(q, counts, given.length);
        }
        case 'scale': {
          const counts: { value: number; count: number }[] = [];
          for (let v = q.min; v <= q.max; v++) counts.push({ value: v, count: given.filter((a) => a === v).length });
          return scaleResult(q.id, counts);
        }
        case 'text':
          return { questionId: q.id, kind: 'text', answered: given.length, texts: given.map((a) => (a as string).trim()) };
      }
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Offline results

function checkConsistent(r: PollResults, what: string): void {
  if (!isPlainObject(r) || !isCount(r.respondents) || !Array.isArray(r.questions)) {
    throw new Error(`Invalid ${what} results: expected { respondents, questions }, got ${show(r)}`);
  }
  for (const q of r.questions) {
    const where = `Invalid ${what} results for question ${show(q?.questionId)}`;
    if (!isObject(q) || !isCount(q.answered)) throw new Error(`${where}: expected a count of answers, got ${show(q?.answered)}`);
    if (q.answered > r.respondents) throw new Error(`${where}: ${q.answered} answers but only ${r.respondents} respondents`);
    if (isChoice(q)) {
      if (!Array.isArray(q.options)) throw new Error(`${where}: expected a list of options`);
      let sum = 0;
      for (const o of q.options) {
        if (!isObject(o) || !isCount(o.count) || o.count > q.answered) {
          throw new Error(`${where}: option ${show(o?.optionId)} count must be an integer from 0 to ${q.answered}, got ${show(o?.count)}`);
        }
        sum += o.count;
      }
      if (q.kind === 'single' && sum !== q.answered) throw new Error(`${where}: option counts add up to ${sum}, not ${q.answered}`);
      if (q.kind === 'multiple' && sum < q.answered) throw new Error(`${where}: option counts add up to ${sum}, fewer than ${q.answered} answers`);
    } else if (q.kind === 'scale') {
      if (!Array.isArray(q.distribution)) throw new Error(`${where}: expected a distribution`);
      let sum = 0;
      for (const d of q.distribution) {
        if (!isObject(d) || !isCount(d.count)) throw new Error(`${where}: count for ${show(d?.value)} must be an integer >= 0, got ${show(d?.count)}`);
        sum += d.count;
      }
      if (sum !== q.answered) throw new Error(`${where}: counts add up to ${sum}, not ${q.answered}`);
    } else if (q.kind === 'text') {
      if (!Array.isArray(q.texts) || q.texts.length !== q.answered || q.texts.some((t) => typeof t !== 'string')) {
        throw new Error(`${where}: expected ${q.answered} texts`);
      }
    } else {
      throw new Error(`${where}: unknown kind ${show((q as { kind: unknown }).kind)}`);
    }
  }
}

function sameShape(a: QuestionResult, b: QuestionResult): boolean {
  if (a.questionId !== b.questionId || a.kind !== b.kind) return false;
  if (isChoice(a)) {
    const bo = (b as ChoiceResult).options;
    return a.options.length === bo.length && a.options.every((o, i) => o.optionId === bo[i].optionId);
  }
  if (a.kind === 'scale') {
    const bd = (b as ScaleResult).distribution;
    return a.distribution.length === bd.length && a.distribution.every((d, i) => d.value === bd[i].value);
  }
  return true;
}

/** Recomputes shares and the mean from the counts (offline figures are entered as counts). */
function normalise(q: QuestionResult): QuestionResult {
  if (isChoice(q)) {
    return { ...q, options: q.options.map((o) => ({ ...o, share: ratio4(o.count, q.answered) })) };
  }
  if (q.kind === 'scale') return scaleResult(q.questionId, q.distribution.map(({ value, count }) => ({ value, count })));
  return { ...q, texts: [...q.texts] };
}

/**
 * Adds paper/offline results, recorded apart by the organisation, to the online ones. Both stay visible:
 * each question carries `online`, `offline` and `total`. The two must describe the same poll (same
 * questions in the same order, same options or scale values); the offline figures must be consistent
 * (answers ≤ respondents; single choice: counts add up to the answers; multiple: at least the answers;
 * scale: counts add up to the answers; text: one text per answer). Shares and the mean are recomputed from
 * the counts (so shares typed in by hand are ignored); total texts are the online ones, then the offline.
 */
export function mergeOfflineResults(online: PollResults, offline: PollResults): MergedPollResults {
  checkConsistent(online, 'online');
  checkConsistent(offline, 'offline');
  if (online.questions.length !== offline.questions.length) {
    throw new Error(`Offline results do not match the poll: ${offline.questions.length} questions, expected ${online.questions.length}`);
  }
  return {
    respondents: { online: online.respondents, offline: offline.respondents, total: online.respondents + offline.respondents },
    questions: online.questions.map((on, i): MergedQuestionResult => {
      const off = offline.questions[i];
      if (!sameShape(on, off)) {
        throw new Error(`Offline results do not match the poll at question ${show(on.questionId)}: different question, kind, options or scale`);
      }
      const answered = on.answered + off.answered;
      let total: QuestionResult;
      if (isChoice(on)) {
        const offOptions = (off as ChoiceResult).options;
        total = {
          questionId: on.questionId,
          kind: on.kind,
          answered,
          options: on.options.map((o, k) => {
            const count = o.count + offOptions[k].count;
            return { ...o, count, share: ratio4(count, answered) };
          }),
        };
      } else if (on.kind === 'scale') {
        const offDist = (off as ScaleResult).distribution;
        total = scaleResult(on.questionId, on.distribution.map((d, k) => ({ value: d.value, count: d.count + offDist[k].count })));
      } else {
        total = { questionId: on.questionId, kind: 'text', answered, texts: [...on.texts, ...(off as TextResult).texts] };
      }
      return { questionId: on.questionId, kind: on.kind, online: normalise(on), offline: normalise(off), total };
    }),
  };
}
