// Polls' results from Postgres, aggregated in SQL (counts per question and option or scale value, free
// texts listed up to a limit): the same for 10 or 100k responses, and nothing but aggregates reach the
// workflow. Paper results (participation_offline_results) are added, and shown apart.
import type { Db } from '../../db/connection';
import {
  offlinePollProblems, pollAnswerProblems, pollSettingsProblems, scaleRange,
  type OfflinePollResults, type PollAnswers, type PollQuestion, type PollSettings,
} from '../../workflows/poll/questions';
import type { ParticipationManifest } from './manifest';

/** Free texts listed per question in the results (the count is always complete). */
export const TEXTS_LISTED = 1000;
/** …and at most this many characters of them, so that results stay small in the workflow's history. */
export const TEXT_CHARS_LISTED = 200_000;

interface Split { online: number; offline: number; total: number }
const split = (online: number, offline: number): Split => ({ online, offline, total: online + offline });
const share = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10000) / 10000 : 0);

export interface PollQuestionResult {
  id: string;
  kind: PollQuestion['kind'];
  text: string;
  /** People who answered the question. */
  answered: Split;
  /** single / multiple: count and share (of those who answered the question) per option. */
  options?: ({ id: string; text: string; share: number } & Split)[];
  /** scale: count and share per value, and the average. */
  scale?: { values: ({ value: number; share: number } & Split)[]; average: number | null };
  /** text: how many, and the texts (online first, then paper), at most TEXTS_LISTED. */
  texts?: { count: Split; items: string[]; truncated: boolean };
}

export interface PollResults {
  respondents: Split;
  questions: PollQuestionResult[];
}

/** Online answers: who answered each question (a non-empty answer), and the count per (question, option or scale value). */
async function onlineAnswers(db: Db, eventId: string, settings: PollSettings) {
  // Answers per (question, option or scale value): arrays (multiple choice) count each element.
  const choiceIds = settings.questions.filter((q) => q.kind !== 'text').map((q) => q.id);
  const counted = choiceIds.length === 0 ? [] : (await db.raw(
    `select e.key as q, coalesce(x.elem, e.value #>> '{}') as a, count(*)::int as n
       from participation_responses r
       cross join lateral jsonb_each(r.payload->'answers') e
       left join lateral (select jsonb_array_elements_text(e.value) as elem where jsonb_typeof(e.value) = 'array') x on true
      where r.event_id = ? and e.key = any(?)
      group by 1, 2`,
    [eventId, choiceIds],
  )).rows as { q: string; a: string; n: number }[];
  const answeredRows = (await db.raw(
    `select e.key as q, count(*)::int as n
       from participation_responses r cross join lateral jsonb_each(r.payload->'answers') e
      where r.event_id = ? and not (e.value = '""'::jsonb or e.value = '[]'::jsonb)
      group by 1`,
    [eventId],
  )).rows as { q: string; n: number }[];
  const answered = new Map(answeredRows.map((r) => [r.q, Number(r.n)] as const));
  const counts = new Map<string, Map<string, number>>();
  for (const r of counted) {
    if (!counts.has(r.q)) counts.set(r.q, new Map());
    counts.get(r.q)!.set(r.a, Number(r.n));
  }
  return { answered, counts };
}

type OnlineAnswers = Awaited<ReturnType<typeof onlineAnswers>>;

/** Paper results as the question results read them. */
function paperAnswers(paper: OfflinePollResults[]) {
  return {
    results: paper,
    count: (qid: string, key: string) => paper.reduce((s, p) => s + (p.answers?.[qid]?.counts?.[key] ?? 0), 0),
  };
}

type PaperAnswers = ReturnType<typeof paperAnswers>;

function choiceResult(q: PollQuestion, online: OnlineAnswers, paper: PaperAnswers): PollQuestionResult {
  const on = online.counts.get(q.id) ?? new Map<string, number>();
  const offAnswered = q.kind === 'single'
    ? paper.results.reduce((s, p) => s + Object.values(p.answers?.[q.id]?.counts ?? {}).reduce((a, b) => a + b, 0), 0)
    : paper.results.reduce((s, p) => s + (p.answers?.[q.id] ? (p.respondents ?? 0) : 0), 0);
  const answered = split(online.answered.get(q.id) ?? 0, offAnswered);
  return {
    id: q.id, kind: q.kind, text: q.text, answered,
    options: (q.options ?? []).map((o) => {
      const c = split(on.get(o.id) ?? 0, paper.count(q.id, o.id));
      return { id: o.id, text: o.text, ...c, share: share(c.total, answered.total) };
    }),
  };
}

function scaleResult(q: PollQuestion, online: OnlineAnswers, paper: PaperAnswers): PollQuestionResult {
  const on = online.counts.get(q.id) ?? new Map<string, number>();
  const [min, max] = scaleRange(q);
  const values: ({ value: number; share: number } & Split)[] = [];
  let offAnswered = 0;
  for (let v = min; v <= max; v++) offAnswered += paper.count(q.id, String(v));
  const answered = split(online.answered.get(q.id) ?? 0, offAnswered);
  let sum = 0;
  for (let v = min; v <= max; v++) {
    const c = split(on.get(String(v)) ?? 0, paper.count(q.id, String(v)));
    sum += v * c.total;
    values.push({ value: v, ...c, share: share(c.total, answered.total) });
  }
  return { id: q.id, kind: q.kind, text: q.text, answered, scale: { values, average: answered.total > 0 ? Math.round((sum / answered.total) * 100) / 100 : null } };
}

async function textResult(db: Db, eventId: string, q: PollQuestion, online: OnlineAnswers, paper: PaperAnswers): Promise<PollQuestionResult> {
  const listed = (await db.raw(
    `select payload->'answers'->>? as t from participation_responses
      where event_id = ? and coalesce(payload->'answers'->>?, '') <> '' order by id limit ?`,
    [q.id, eventId, q.id, TEXTS_LISTED],
  )).rows.map((r: { t: string }) => r.t) as string[];
  const offTexts = paper.results.flatMap((p) => p.answers?.[q.id]?.texts ?? []);
  const count = split(online.answered.get(q.id) ?? 0, offTexts.length);
  const items: string[] = [];
  let chars = 0;
  for (const t of [...listed, ...offTexts]) {
    if (items.length >= TEXTS_LISTED || chars + t.length > TEXT_CHARS_LISTED) break;
    items.push(t);
    chars += t.length;
  }
  return { id: q.id, kind: q.kind, text: q.text, answered: count, texts: { count, items, truncated: count.total > items.length } };
}

export async function computePollResults(db: Db, eventId: string): Promise<PollResults> {
  const event = await db('participation_events').where({ id: eventId }).first('settings');
  if (!event) throw new Error(`no event ${eventId}`);
  const settings = event.settings as PollSettings;
  const [{ n: online }] = (await db.raw('select count(*)::int as n from participation_responses where event_id = ?', [eventId])).rows;
  const answers = await onlineAnswers(db, eventId, settings);
  const paper = paperAnswers((await db('participation_offline_results').where({ event_id: eventId }).orderBy('id').select('payload'))
    .map((r) => r.payload as OfflinePollResults));
  const offlineRespondents = paper.results.reduce((s, p) => s + (p.respondents ?? 0), 0);
  const questions: PollQuestionResult[] = [];
  for (const q of settings.questions) {
    if (q.kind === 'single' || q.kind === 'multiple') questions.push(choiceResult(q, answers, paper));
    else if (q.kind === 'scale') questions.push(scaleResult(q, answers, paper));
    else questions.push(await textResult(db, eventId, q, answers, paper));
  }
  return { respondents: split(Number(online), offlineRespondents), questions };
}

/** A poll's manifest (domain/participation/registry.ts): its rules in the events core. */
export const pollManifest: ParticipationManifest<'poll'> = {
  type: 'poll',
  workflowType: 'pollWorkflow',
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
};
