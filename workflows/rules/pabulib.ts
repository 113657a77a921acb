// Export of a vote's ballots and result in the pabulib `.pb` format (pabulib.org), so that results can be
// checked with other tools (pabutools, the pabulib checker), and a parser for such files. Pure and
// deterministic (no node: imports, no clock, no I/O).
//
// The format: three sections, each a line with its name and then a header line, fields separated by ';':
//   META      key;value                  description, country, unit, instance, num_projects, num_votes,
//                                          budget, vote_type, rule, date_begin, date_end, min_length, …
//   PROJECTS  project_id;cost;votes;name;selected
//   VOTES     voter_id;vote;…            vote = comma-separated project ids; optional age, sex,
//                                          neighborhood, district, voting_method columns
// No empty lines between sections (the pabulib checker reports them); dates are 'YYYY' or 'DD.MM.YYYY'.
// A missing optional vote field (age, sex, …) is written empty, as the checker wants; a missing project
// name is written 'none', which pabutools reads as missing. The parser takes both as missing.
//
// Voter ids are opaque keys chosen by the caller (e.g. a per-event salted hash); nothing here ever sees a
// person. Identifiers (project and voter ids, meta keys) may not contain ';', ',', '"', whitespace or
// control characters, and may not be 'none': they are refused. Free text (names, descriptions, other meta
// values, neighborhoods) is sanitised instead: line breaks and other control characters become a space,
// ';' becomes ',', '"' becomes "'", and the result is trimmed, so a file is always one record per line.
import { show } from './answer-term';
import { ballotCostLimit, ballotMinimumCost, tally, validateBallot, validateProjects, type Ballot, type Project, type VoteResult, type VoteSettings } from './vote';

export interface PabulibMeta {
  description: string;
  /** e.g. 'Russia' (the pabulib checker knows a fixed list of countries; others get a warning there). */
  country: string;
  /** The city or region, e.g. 'Barnaul'. */
  unit: string;
  /** The edition, e.g. '2026'. */
  instance: string;
  /** 'YYYY', 'DD.MM.YYYY', or an ISO date 'YYYY-MM-DD' (written as DD.MM.YYYY). */
  date_begin: string;
  date_end: string;
  subunit?: string;
  district?: string;
  /** ISO 4217; default 'RUB'. */
  currency?: string;
  /** ISO 639-1, e.g. 'ru'. */
  language?: string;
  /** pabulib wants '#1: …'; by default a line describing the rule variant used. */
  comment?: string;
  /** Used only when neither the settings nor the result carry a budget. */
  budget?: number;
  [key: string]: string | number | undefined;
}

export interface PabulibBallot extends Ballot {
  /** Opaque, anonymised key (never personal data). */
  voterId: string;
  age?: number;
  sex?: 'M' | 'F' | 'O';
  neighborhood?: string;
  district?: string;
  votingMethod?: 'internet' | 'paper';
}

export interface PabulibExport {
  meta: PabulibMeta;
  /** The event's vote settings: vote_type, length and cost limits of a ballot; ballots are checked against them. */
  settings?: VoteSettings;
  projects: readonly Project[];
  ballots: readonly PabulibBallot[];
  /** The computed result: 'selected' column and 'rule'; its votes must match the ballots. */
  result?: VoteResult;
}

export interface PabulibProject {
  id: string;
  cost: number;
  votes?: number;
  name?: string;
  /** 1 selected, 0 not (pabulib also uses 2 and 3 for special cases). */
  selected?: number;
  /** Every column as read (missing values left out). */
  fields: Record<string, string>;
}

export interface PabulibVote {
  voterId: string;
  approved: string[];
  age?: number;
  sex?: string;
  neighborhood?: string;
  district?: string;
  votingMethod?: string;
  fields: Record<string, string>;
}

export interface PabulibFile {
  meta: Record<string, string>;
  projects: PabulibProject[];
  votes: PabulibVote[];
}

/** Meta keys this module computes; passing them in meta is refused (except budget, see PabulibMeta). */
const COMPUTED_META = ['num_projects', 'num_votes', 'vote_type', 'rule', 'min_length', 'max_length', 'min_sum_cost', 'max_sum_cost'];
/** pabulib's order of the usual meta keys; other keys follow in the order given. */
const META_ORDER = [
  'description',
  'country',
  'unit',
  'district',
  'subunit',
  'instance',
  'num_projects',
  'num_votes',
  'budget',
  'vote_type',
  'rule',
  'date_begin',
  'date_end',
  'min_length',
  'max_length',
  'min_sum_cost',
  'max_sum_cost',
  'edition',
  'language',
  'currency',
  'comment',
];

// ---------------------------------------------------------------------------------------------------
// Writing

// Line breaks of any kind (what Python's splitlines() splits on) and other control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const BAD_ID = /[;,"\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Free text made safe for one field of one line (see the header comment). */
export function sanitisePabulibText(text: string): string {
  return text.replace(CONTROL, ' ').replace(/;/g, ',').replace(/"/g, "'").trim();
}

function checkId(id: unknown, what: string): string {
  if (typeof id !== 'string' || id === '' || BAD_ID.test(id) || id.toLowerCase() === 'none') {
    throw new Error(`Invalid ${what} for pabulib: ${show(id)} (no ';', ',', '"', spaces or control characters; not 'none')`);
  }
  return id;
}

function pabulibDate(value: unknown, key: string): string {
  if (typeof value === 'string') {
    if (/^\d{4}$/.test(value) || /^\d{2}\.\d{2}\.\d{4}$/.test(value)) return value;
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (iso) return `${iso[3]}.${iso[2]}.${iso[1]}`;
  }
  throw new Error(`Invalid meta ${key} for pabulib: expected 'YYYY', 'DD.MM.YYYY' or 'YYYY-MM-DD', got ${show(value)}`);
}

/**
 * pabulib's name for the rule, only where pabulib means the same rule, so that its checker can verify the
 * selection: 'greedy'; 'equalshares' is MES with cost utilities (as in the equalshares.net reference code);
 * 'equalshares/add1' is that with Add1 and no further completion, so it is used only when the greedy fill
 * funded nothing. Everything else (approval utilities, a greedy fill that funded a project, most votes) is
 * 'unknown', and the comment line says what was used. One difference remains: the pabulib checker's Add1
 * starts from the per-voter budget rounded down and does not stop at an exhaustive outcome, so in rare
 * cases it reports 'equalshares/add1 rule not followed' for a result that pabutools reproduces.
 */
function ruleName(result: VoteResult | undefined): string {
  if (!result) return 'unknown';
  if (result.rule === 'greedy') return 'greedy';
  const es = result.equalShares;
  if (result.rule === 'equal_shares' && es?.utilities === 'cost') {
    if (es.completion === 'none') return 'equalshares';
    const filled = result.projects.some((p) => p.stage === 'greedy_completion');
    if (es.completion === 'add1' && !filled) return 'equalshares/add1';
  }
  return 'unknown';
}

function ruleComment(result: VoteResult | undefined): string | undefined {
  if (!result) return undefined;
  const ties = typeof result.tieBreak === 'string' ? result.tieBreak.replace('_', ' ') : 'priority order';
  const order = `Ties: more votes, then ${ties}, then project id.`;
  if (result.rule === 'greedy') return `#1: Greedy by votes, skipping projects that do not fit, never funding a project without votes. ${order}`;
  if (result.rule === 'most_votes') return `#1: Most votes, ${result.winners.length} winner(s). ${order}`;
  const es = result.equalShares!;
  const completion =
    es.completion === 'add1'
      ? `Add1 completion (+${es.add1Increment} per voter per round from the exact budget/n, stopping when exhaustive or over the budget) then greedy fill by votes`
      : es.completion === 'greedy'
        ? 'greedy fill by votes'
        : 'no completion';
  return `#1: Method of Equal Shares with ${es.utilities} utilities, ${completion}. ${order}`;
}

/**
 * Checks what toPabulib writes from: the projects and their ids, every ballot against the settings (when
 * given) and the projects, unique voter ids, and a result that matches the projects and the ballots.
 * Returns the votes per project, counted from the ballots.
 */
function checkExport({ settings, projects, ballots, result }: PabulibExport): Record<string, number> {
  validateProjects(projects);
  for (const p of projects) checkId(p.id, 'project id');
  if (settings) {
    ballots.forEach((b, i) => {
      try {
        validateBallot(settings, projects, b);
      } catch (e) {
        throw new Error(`${(e as Error).message} (ballot #${i + 1})`);
      }
    });
  }
  const votes = tally(projects, ballots);
  const voterIds = new Set<string>();
  for (const b of ballots) {
    checkId(b.voterId, 'voter id');
    if (voterIds.has(b.voterId)) throw new Error(`Invalid ballots for pabulib: voter id ${show(b.voterId)} appears more than once`);
    voterIds.add(b.voterId);
  }
  if (result) {
    const ids = new Set(projects.map((p) => p.id));
    if (result.projects.length !== projects.length || result.projects.some((p) => !ids.has(p.id))) {
      throw new Error('The result does not match the projects');
    }
    for (const p of result.projects) {
      if (p.votes !== votes[p.id]) throw new Error(`The result does not match the ballots: project ${show(p.id)} has ${p.votes} votes in the result, ${votes[p.id]} in the ballots`);
    }
  }
  return votes;
}

/** The caller's meta values, checked and sanitised (keys, required fields, the budget: see PabulibMeta). */
function givenMeta({ meta, settings, result }: PabulibExport): { values: Map<string, string>; budget: number } {
  for (const key of Object.keys(meta)) {
    if (COMPUTED_META.includes(key)) throw new Error(`Meta ${key} is computed for pabulib; do not pass it`);
    if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`Invalid meta key for pabulib: ${show(key)}`);
  }
  for (const key of ['description', 'country', 'unit', 'instance'] as const) {
    if (typeof meta[key] !== 'string' || sanitisePabulibText(meta[key]) === '') throw new Error(`Meta ${key} is required for pabulib`);
  }
  const budget = settings?.budget ?? result?.budget ?? meta.budget;
  if (typeof budget !== 'number' || !Number.isSafeInteger(budget) || budget <= 0) {
    throw new Error('pabulib needs a budget: none in the settings, the result or meta.budget');
  }
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined || key === 'budget') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`Invalid meta ${key} for pabulib: ${show(value)}`);
      values.set(key, String(value));
    } else if (typeof value === 'string') values.set(key, sanitisePabulibText(value));
    else throw new Error(`Invalid meta ${key} for pabulib: expected a string or a number, got ${show(value)}`);
  }
  return { values, budget };
}

/** The META section: the caller's values, then the computed ones, in pabulib's key order. */
function metaSection(input: PabulibExport): string[] {
  const { meta, settings, projects, ballots, result } = input;
  const { values, budget } = givenMeta(input);
  values.set('date_begin', pabulibDate(meta.date_begin, 'date_begin'));
  values.set('date_end', pabulibDate(meta.date_end, 'date_end'));
  values.set('num_projects', String(projects.length));
  values.set('num_votes', String(ballots.length));
  values.set('budget', String(budget));
  values.set('vote_type', settings?.kind === 'single_choice' ? 'choose-1' : 'approval');
  values.set('rule', ruleName(result));
  if (settings?.kind === 'single_choice') {
    values.set('min_length', '1');
    values.set('max_length', '1');
  } else if (settings) {
    values.set('min_length', '1');
    if (settings.maxApprovals !== undefined) values.set('max_length', String(settings.maxApprovals));
    const limit = ballotCostLimit(settings);
    if (limit !== null) values.set('max_sum_cost', String(limit));
    const minimum = ballotMinimumCost(settings);
    if (minimum > 0) values.set('min_sum_cost', String(minimum));
  }
  if (!values.has('currency')) values.set('currency', 'RUB');
  const comment = ruleComment(result);
  if (!values.has('comment') && comment) values.set('comment', sanitisePabulibText(comment));
  const keys = [...META_ORDER.filter((k) => values.has(k)), ...[...values.keys()].filter((k) => !META_ORDER.includes(k))];
  return ['META', 'key;value', ...keys.map((k) => `${k};${values.get(k)}`)];
}

/**
 * The PROJECTS section: with a result, in its tie order (votes desc, the tie rule, id), so that a checker
 * that sorts by votes with a stable sort meets ties in the order this platform broke them.
 */
function projectsSection({ projects, result }: PabulibExport, votes: Readonly<Record<string, number>>): string[] {
  const selected = new Map(result?.projects.map((p) => [p.id, p.selected] as const) ?? []);
  const byId = new Map(projects.map((p) => [p.id, p] as const));
  const ordered = result ? result.projects.map((r) => byId.get(r.id)!) : projects;
  const lines = ['PROJECTS', ['project_id', 'cost', 'votes', 'name', ...(result ? ['selected'] : [])].join(';')];
  for (const p of ordered) {
    const name = p.name === undefined ? '' : sanitisePabulibText(p.name);
    const row = [p.id, String(p.cost), String(votes[p.id]), name === '' ? 'none' : name];
    if (result) row.push(selected.get(p.id) ? '1' : '0');
    lines.push(row.join(';'));
  }
  return lines;
}

/** The optional vote fields, in pabulib's column order: [field, column]. */
const OPTIONAL_VOTE_FIELDS: readonly [keyof PabulibBallot, string][] = [
  ['age', 'age'],
  ['sex', 'sex'],
  ['votingMethod', 'voting_method'],
  ['district', 'district'],
  ['neighborhood', 'neighborhood'],
];

/** The VOTES section, with the optional columns some ballot fills. */
function votesSection(ballots: readonly PabulibBallot[]): string[] {
  const present = OPTIONAL_VOTE_FIELDS.filter(([field]) => ballots.some((b) => b[field] !== undefined));
  const lines = ['VOTES', ['voter_id', 'vote', ...present.map(([, column]) => column)].join(';')];
  for (const b of ballots) {
    const row = [b.voterId, b.approved.join(',')];
    for (const [field] of present) row.push(voteField(b, field));
    lines.push(row.join(';'));
  }
  return lines;
}

/**
 * The .pb text for a vote. The votes column is counted from the ballots; with a result, the selected
 * column and the rule come from it (see ruleName: 'greedy', 'equalshares', 'equalshares/add1' or
 * 'unknown'), the comment describes the exact variant, and projects are listed in the result's order.
 * Every ballot is checked against the settings (when given) and the projects.
 */
export function toPabulib(input: PabulibExport): string {
  const votes = checkExport(input);
  return [...metaSection(input), ...projectsSection(input, votes), ...votesSection(input.ballots)].join('\n') + '\n';
}

function voteField(b: PabulibBallot, field: keyof PabulibBallot): string {
  const v = b[field];
  if (v === undefined) return ''; // the pabulib checker takes an empty value as missing ('none' is an invalid age)
  switch (field) {
    case 'age':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 150) throw new Error(`Invalid age for pabulib: ${show(v)} (voter ${show(b.voterId)})`);
      return String(v);
    case 'sex':
      if (v !== 'M' && v !== 'F' && v !== 'O') throw new Error(`Invalid sex for pabulib: expected M, F or O, got ${show(v)} (voter ${show(b.voterId)})`);
      return v;
    case 'votingMethod':
      if (v !== 'internet' && v !== 'paper') throw new Error(`Invalid voting method for pabulib: expected internet or paper, got ${show(v)} (voter ${show(b.voterId)})`);
      return v;
    default:
      return sanitisePabulibText(String(v));
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** Splits one line on ';', honouring CSV double quotes as Python's csv module does (files from elsewhere). */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) break;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      const end = line.indexOf(';', i);
      value += end < 0 ? line.slice(i) : line.slice(i, end);
      fields.push(value);
      if (end < 0) return fields;
      i = end + 1;
    } else {
      const end = line.indexOf(';', i);
      if (end < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
}

function missing(v: string | undefined): boolean {
  return v === undefined || v.trim() === '' || v.trim().toLowerCase() === 'none';
}

function number(v: string, what: string, lineNo: number): number {
  const n = Number(v.trim().replace(',', '.'));
  if (!Number.isFinite(n)) throw new Error(`pabulib line ${lineNo}: ${what} is not a number: ${show(v)}`);
  return n;
}

/**
 * Parses a .pb file into its meta (raw strings), projects and votes. Tolerates a BOM, CRLF line ends,
 * empty lines, section names in any case and quoted fields; a value 'none' (any case) or an empty value is
 * missing. Throws naming the line on a malformed file.
 */
export function parsePabulib(text: string): PabulibFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const file: PabulibFile = { meta: {}, projects: [], votes: [] };
  const seen = new Set<string>();
  let section = '';
  let header: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === '') continue;
    const name = line.trim().toLowerCase();
    if (name === 'meta' || name === 'projects' || name === 'votes') {
      if (seen.has(name)) throw new Error(`pabulib line ${lineNo}: section ${line.trim()} appears twice`);
      seen.add(name);
      section = name;
      do i++;
      while (i < lines.length && lines[i].trim() === '');
      if (i >= lines.length) throw new Error(`pabulib: section ${line.trim()} has no header line`);
      header = splitFields(lines[i]).map((h) => h.trim());
      const required = section === 'meta' ? ['key', 'value'] : section === 'projects' ? ['project_id', 'cost'] : ['voter_id', 'vote'];
      for (const column of required) {
        if (!header.includes(column)) throw new Error(`pabulib line ${i + 1}: the ${section.toUpperCase()} header has no ${column} column`);
      }
      continue;
    }
    if (section === '') throw new Error(`pabulib line ${lineNo}: data before the META section`);
    const fields = splitFields(line);
    if (section === 'meta') {
      if (fields.length < 2) throw new Error(`pabulib line ${lineNo}: expected key;value`);
      file.meta[fields[0].trim()] = fields.slice(1).join(';').trim();
      continue;
    }
    if (fields.length !== header.length) {
      throw new Error(`pabulib line ${lineNo}: expected ${header.length} fields (${header.join(';')}), got ${fields.length}`);
    }
    const record: Record<string, string> = {};
    header.forEach((column, k) => {
      if (!missing(fields[k])) record[column] = fields[k].trim();
    });
    if (section === 'projects') {
      if (record.project_id === undefined) throw new Error(`pabulib line ${lineNo}: no project_id`);
      if (record.cost === undefined) throw new Error(`pabulib line ${lineNo}: no cost`);
      file.projects.push({
        id: record.project_id,
        cost: number(record.cost, 'cost', lineNo),
        ...(record.votes !== undefined ? { votes: number(record.votes, 'votes', lineNo) } : {}),
        ...(record.name !== undefined ? { name: record.name } : {}),
        ...(record.selected !== undefined ? { selected: number(record.selected, 'selected', lineNo) } : {}),
        fields: record,
      });
    } else {
      if (record.voter_id === undefined) throw new Error(`pabulib line ${lineNo}: no voter_id`);
      file.votes.push({
        voterId: record.voter_id,
        approved: (record.vote ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        ...(record.age !== undefined ? { age: number(record.age, 'age', lineNo) } : {}),
        ...(record.sex !== undefined ? { sex: record.sex } : {}),
        ...(record.neighborhood !== undefined ? { neighborhood: record.neighborhood } : {}),
        ...(record.district !== undefined ? { district: record.district } : {}),
        ...(record.voting_method !== undefined ? { votingMethod: record.voting_method } : {}),
        fields: record,
      });
    }
  }
  for (const required of ['meta', 'projects', 'votes']) {
    if (!seen.has(required)) throw new Error(`pabulib: no ${required.toUpperCase()} section`);
  }
  return file;
}
