// Discussions of draft documents: the draft as text split into numbered points, and its versions.
// Pure and deterministic (imported by workflow code and the API): no clock, no I/O.

export interface DraftPoint {
  /** 1, 2, 3 … in the order of the text: what citizens attach proposals to. */
  number: number;
  /** The numbering the draft itself uses ("1.", "2.3)", "Статья 5."), or null for unnumbered text. */
  label: string | null;
  text: string;
}

export const MAX_DRAFT_CHARS = 200_000;
export const MAX_POINTS = 2_000;

/**
 * A line that starts a point of its own: "1.", "1)", "2.3.", "2.3.1)", "п. 4", "Статья 5.", "Article 5",
 * "Глава 2", "§ 3". The label is the marker as written, without the trailing space.
 */
const MARKER = /^\s*((?:(?:статья|глава|раздел|пункт|п\.|article|section|chapter|§)\s*\d+(?:\.\d+)*\.?)|(?:\d+(?:\.\d+)*[.)]))(?=\s|$)/iu;

function normalise(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '');
}

/** Problems with a draft's text (empty when it can be split). */
export function draftProblems(text: unknown): string[] {
  if (typeof text !== 'string' || text.trim() === '') return ['the draft text must not be empty'];
  if (text.length > MAX_DRAFT_CHARS) return [`the draft text is longer than ${MAX_DRAFT_CHARS} characters`];
  const points = splitUnchecked(text);
  if (points.length > MAX_POINTS) return [`the draft has ${points.length} points; at most ${MAX_POINTS} are allowed`];
  return [];
}

/**
 * Splits a draft into numbered points. When the draft numbers its own clauses (at least two lines start
 * with a marker such as "1." or "Статья 2."), each marked line starts a point and the lines after it
 * belong to it; text before the first marker is a preamble point. Otherwise each paragraph (separated by
 * a blank line) is a point. Points are numbered 1..N in order; the draft's own marker is kept as label.
 */
export function splitDraft(text: string): DraftPoint[] {
  const problems = draftProblems(text);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return splitUnchecked(text);
}

function splitUnchecked(text: string): DraftPoint[] {
  const lines = normalise(text).split('\n');
  const marked = lines.filter((l) => MARKER.test(l)).length;
  const chunks: { label: string | null; lines: string[] }[] = [];
  if (marked >= 2) {
    let current: { label: string | null; lines: string[] } = { label: null, lines: [] };
    for (const line of lines) {
      const m = MARKER.exec(line);
      if (m) {
        chunks.push(current);
        current = { label: m[1], lines: [line.slice(m[0].length).trim()] };
      } else {
        current.lines.push(line);
      }
    }
    chunks.push(current);
  } else {
    let current: string[] = [];
    for (const line of lines) {
      if (line.trim() === '') {
        chunks.push({ label: null, lines: current });
        current = [];
      } else {
        current.push(line);
      }
    }
    chunks.push({ label: null, lines: current });
  }
  const points: DraftPoint[] = [];
  for (const c of chunks) {
    const body = c.lines.join('\n').replace(/^\n+|\n+$/g, '').trim();
    if (body === '' && c.label === null) continue;
    points.push({ number: points.length + 1, label: c.label, text: body });
  }
  return points;
}

export interface DraftChanges {
  /** Points of the new version whose text is the same as a point of the old one (new number → old number). */
  unchanged: { number: number; previousNumber: number }[];
  /** Points at the same position whose text changed (same label, or same number when unlabelled). */
  changed: number[];
  /** New points with no counterpart in the old version. */
  added: number[];
  /** Old points with no counterpart in the new version. */
  removed: number[];
}

const same = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/**
 * What a new version changes against the previous one. A point is matched first by identical text
 * (wherever it moved), then by its label, then by its position; what is left is added or removed.
 */
export function compareVersions(previous: DraftPoint[], next: DraftPoint[]): DraftChanges {
  const usedOld = new Set<number>();
  const matched = new Map<number, number>();
  const changes: DraftChanges = { unchanged: [], changed: [], added: [], removed: [] };
  for (const p of next) {
    const o = previous.find((q) => !usedOld.has(q.number) && same(q.text, p.text));
    if (o) {
      usedOld.add(o.number);
      matched.set(p.number, o.number);
      changes.unchanged.push({ number: p.number, previousNumber: o.number });
    }
  }
  for (const p of next) {
    if (matched.has(p.number)) continue;
    const o = (p.label !== null ? previous.find((q) => !usedOld.has(q.number) && q.label === p.label) : undefined)
      ?? previous.find((q) => !usedOld.has(q.number) && q.number === p.number && q.label === p.label);
    if (o) {
      usedOld.add(o.number);
      matched.set(p.number, o.number);
      changes.changed.push(p.number);
    } else {
      changes.added.push(p.number);
    }
  }
  changes.removed = previous.filter((q) => !usedOld.has(q.number)).map((q) => q.number);
  return changes;
}

export type ProposalAnswer = 'accepted' | 'partly' | 'rejected';
export const PROPOSAL_ANSWERS: readonly ProposalAnswer[] = ['accepted', 'partly', 'rejected'];

export interface ProposalCounts {
  total: number;
  pending: number;
  approved: number;
  rejected: number;
  answered: number;
  accepted: number;
  partly: number;
  answeredRejected: number;
}

/** Why the final summary may not be published yet, or null when it may. */
export function summaryBlocker(c: ProposalCounts): string | null {
  if (c.pending > 0) return `${c.pending} proposal(s) still await moderation`;
  const unanswered = c.approved - c.answered;
  if (unanswered > 0) return `${unanswered} approved proposal(s) have no answer yet; every approved proposal must be answered before the summary`;
  return null;
}
