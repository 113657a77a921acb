import assert from 'node:assert/strict';
import { parsePabulib, sanitisePabulibText, toPabulib, type PabulibBallot, type PabulibExport, type PabulibMeta } from '../../workflows/rules/pabulib';
import { decideVote, type Project, type VoteSettings } from '../../workflows/rules/vote';

const META: PabulibMeta = {
  description: 'Barnaul initiative budget 2026',
  country: 'Russia',
  unit: 'Barnaul',
  instance: '2026',
  date_begin: '2026-03-01',
  date_end: '31.03.2026',
  language: 'ru',
};

const PROJECTS: Project[] = [
  { id: 'A', name: 'Skate park', cost: 150 },
  { id: 'B', name: 'Stadium lights', cost: 140 },
  { id: 'C', name: 'Benches', cost: 60 },
  { id: 'D', name: 'Library shelves', cost: 60 },
];

const SETTINGS: VoteSettings = { kind: 'approval', budget: 300, maxApprovals: 2 };

// Voter ids are opaque keys (here: made-up hashes), never personal data.
const BALLOTS: PabulibBallot[] = [
  ...Array.from({ length: 6 }, (_, i): PabulibBallot => ({ voterId: `h${i}`, approved: ['A', 'B'], age: 30 + i, sex: i % 2 ? 'M' : 'F' })),
  ...Array.from({ length: 4 }, (_, i): PabulibBallot => ({ voterId: `g${i}`, approved: ['C', 'D'], neighborhood: 'Nagorny', votingMethod: 'paper' })),
];

const exportOf = (over: Partial<PabulibExport> = {}): PabulibExport => ({ meta: META, settings: SETTINGS, projects: PROJECTS, ballots: BALLOTS, ...over });

describe('toPabulib', () => {
  it('writes META, PROJECTS and VOTES as pabulib expects (the classic election under equal shares)', () => {
    const result = decideVote(SETTINGS, PROJECTS, BALLOTS, { rule: 'equal_shares', utilities: 'cost', completion: 'none' });
    assert.equal(
      toPabulib(exportOf({ result })),
      [
        'META',
        'key;value',
        'description;Barnaul initiative budget 2026',
        'country;Russia',
        'unit;Barnaul',
        'instance;2026',
        'num_projects;4',
        'num_votes;10',
        'budget;300',
        'vote_type;approval',
        'rule;equalshares',
        'date_begin;01.03.2026',
        'date_end;31.03.2026',
        'min_length;1',
        'max_length;2',
        'language;ru',
        'currency;RUB',
        'comment;#1: Method of Equal Shares with cost utilities, no completion. Ties: more votes, then lower cost, then project id.',
        'PROJECTS',
        'project_id;cost;votes;name;selected', // in the result's tie order: B before A (same votes, lower cost)
        'B;140;6;Stadium lights;1',
        'A;150;6;Skate park;0',
        'C;60;4;Benches;1',
        'D;60;4;Library shelves;1',
        'VOTES',
        'voter_id;vote;age;sex;voting_method;neighborhood',
        'h0;A,B;30;F;;',
        'h1;A,B;31;M;;',
        'h2;A,B;32;F;;',
        'h3;A,B;33;M;;',
        'h4;A,B;34;F;;',
        'h5;A,B;35;M;;',
        'g0;C,D;;;paper;Nagorny',
        'g1;C,D;;;paper;Nagorny',
        'g2;C,D;;;paper;Nagorny',
        'g3;C,D;;;paper;Nagorny',
        '',
      ].join('\n'),
    );
  });

  it('no empty lines, and every row has as many fields as its header', () => {
    const text = toPabulib(exportOf({ result: decideVote(SETTINGS, PROJECTS, BALLOTS, { rule: 'greedy' }) }));
    const lines = text.split('\n');
    assert.equal(lines.pop(), ''); // one trailing newline
    assert.ok(lines.every((l) => l.trim() !== ''));
    let width = 0;
    for (const line of lines) {
      if (['META', 'PROJECTS', 'VOTES'].includes(line)) {
        width = -1;
        continue;
      }
      const n = line.split(';').length;
      if (width === -1) width = n;
      else assert.equal(n, width, line);
    }
  });

  it("uses pabulib's rule name only where pabulib means the same rule", () => {
    const rule = (result?: Parameters<typeof toPabulib>[0]['result']) => parsePabulib(toPabulib(exportOf({ result }))).meta.rule;
    const vote = (r: Parameters<typeof decideVote>[3]) => decideVote(SETTINGS, PROJECTS, BALLOTS, r);
    assert.equal(rule(vote({ rule: 'greedy' })), 'greedy');
    // pabulib's equalshares is MES with cost utilities.
    assert.equal(rule(vote({ rule: 'equal_shares', utilities: 'cost', completion: 'none' })), 'equalshares');
    assert.equal(rule(vote({ rule: 'equal_shares', utilities: 'cost' })), 'equalshares/add1'); // Add1, and the greedy fill funded nothing
    assert.equal(rule(vote({ rule: 'equal_shares', utilities: 'cost', completion: 'greedy' })), 'unknown');
    assert.equal(rule(vote({ rule: 'equal_shares', completion: 'none' })), 'unknown'); // approval utilities
    assert.equal(rule(vote({ rule: 'most_votes', seats: 2 })), 'unknown');
    assert.equal(rule(undefined), 'unknown');
    // Add1 followed by a greedy fill that funds a project has no pabulib name.
    const small = { settings: { kind: 'approval', budget: 12 } as VoteSettings, projects: [{ id: 'A', cost: 8 }, { id: 'B', cost: 4 }, { id: 'C', cost: 4 }] };
    const ballots: PabulibBallot[] = [
      { voterId: 'a1', approved: ['A'] },
      { voterId: 'a2', approved: ['A'] },
      { voterId: 'b1', approved: ['B'] },
      { voterId: 'c1', approved: ['C'] },
    ];
    const filled = decideVote(small.settings, small.projects, ballots, { rule: 'equal_shares', utilities: 'cost' });
    assert.ok(filled.projects.some((p) => p.stage === 'greedy_completion'));
    assert.equal(parsePabulib(toPabulib(exportOf({ ...small, ballots, result: filled }))).meta.rule, 'unknown');
    const greedy = parsePabulib(toPabulib(exportOf({ result: vote({ rule: 'greedy' }) })));
    assert.match(greedy.meta.comment, /^#1: Greedy by votes/);
    assert.deepEqual(greedy.projects.map((p) => [p.id, p.selected]), [['B', 1], ['A', 1], ['C', 0], ['D', 0]]);
    const approval = parsePabulib(toPabulib(exportOf({ result: vote({ rule: 'equal_shares' }) })));
    assert.match(approval.meta.comment, /^#1: Method of Equal Shares with approval utilities, Add1 completion \(\+1 per voter per round/);
  });

  it('single choice is choose-1 with ballots of length 1; a budget vote carries its cost limits', () => {
    const single: VoteSettings = { kind: 'single_choice', budget: 300 };
    const one = parsePabulib(toPabulib(exportOf({ settings: single, ballots: [{ voterId: 'x1', approved: ['C'] }, { voterId: 'x2', approved: ['A'] }] })));
    assert.equal(one.meta.vote_type, 'choose-1');
    assert.equal(one.meta.min_length, '1');
    assert.equal(one.meta.max_length, '1');
    const budget: VoteSettings = { kind: 'budget', budget: 1000, ballotBudget: 300, minShareOfBudget: 0.5 };
    const b = parsePabulib(toPabulib(exportOf({ settings: budget, ballots: [{ voterId: 'x1', approved: ['A', 'B'] }] })));
    assert.equal(b.meta.budget, '1000');
    assert.equal(b.meta.max_sum_cost, '300');
    assert.equal(b.meta.min_sum_cost, '150');
    assert.equal(b.meta.vote_type, 'approval');
    assert.equal(b.meta.max_length, undefined);
  });

  it('checks the ballots against the settings and the result against the ballots', () => {
    assert.throws(
      () => toPabulib(exportOf({ ballots: [{ voterId: 'x1', approved: ['A', 'B', 'C'] }] })),
      /^Error: Invalid ballot: at most 2 projects may be chosen, got 3 \(ballot #1\)$/,
    );
    assert.throws(() => toPabulib(exportOf({ settings: undefined, ballots: [{ voterId: 'x1', approved: ['Q'] }] })), /unknown project "Q"/);
    const result = decideVote(SETTINGS, PROJECTS, BALLOTS, { rule: 'greedy' });
    assert.throws(() => toPabulib(exportOf({ result, ballots: BALLOTS.slice(1) })), /The result does not match the ballots: project "B" has 6 votes in the result, 5 in the ballots/);
    assert.throws(() => toPabulib(exportOf({ result, projects: [...PROJECTS, { id: 'E', cost: 10 }] })), /The result does not match the projects/);
  });

  it('refuses unsafe or duplicate identifiers', () => {
    for (const id of ['a;b', 'a,b', 'a b', 'a"b', 'a\nb', '', 'none', 'NONE']) {
      assert.throws(() => toPabulib(exportOf({ settings: undefined, ballots: [{ voterId: id, approved: ['A'] }] })), /Invalid voter id for pabulib/, JSON.stringify(id));
      assert.throws(
        () => toPabulib(exportOf({ settings: undefined, projects: [{ id, cost: 1 }], ballots: [] })),
        id.trim() === '' ? /Invalid project id/ : /Invalid project id for pabulib/,
        JSON.stringify(id),
      );
    }
    assert.throws(
      () => toPabulib(exportOf({ ballots: [{ voterId: 'same', approved: ['A'] }, { voterId: 'same', approved: ['B'] }] })),
      /voter id "same" appears more than once/,
    );
  });

  it('sanitises free text: semicolons, quotes, every kind of line break', () => {
    assert.equal(sanitisePabulibText(' Park; "Sunny"\r\nside\u2028of\u0085town\tnow '), "Park, 'Sunny'  side of town now");
    const projects: Project[] = [{ id: 'A', name: 'Skate park;\nwith "ramps"', cost: 150 }];
    const text = toPabulib(exportOf({
      settings: undefined,
      projects,
      ballots: [{ voterId: 'x1', approved: ['A'], neighborhood: 'North;\r\nside' }],
      meta: { ...META, description: 'Two\nlines; one file', budget: 300 },
    }));
    const parsed = parsePabulib(text);
    assert.equal(parsed.projects[0].name, "Skate park, with 'ramps'");
    assert.equal(parsed.votes[0].neighborhood, 'North,  side');
    assert.equal(parsed.meta.description, 'Two lines, one file');
    // 15 META lines (section, header, 13 keys), 3 PROJECTS, 3 VOTES, and the final newline: no line was split.
    assert.equal(text.split('\n').length, 15 + 3 + 3 + 1);
  });

  it('validates meta: required keys, dates, computed keys, a budget', () => {
    assert.throws(() => toPabulib(exportOf({ meta: { ...META, description: ' ' } })), /Meta description is required for pabulib/);
    assert.throws(() => toPabulib(exportOf({ meta: { ...META, date_begin: '1 March 2026' } })), /Invalid meta date_begin for pabulib/);
    assert.throws(() => toPabulib(exportOf({ meta: { ...META, num_votes: 5 } })), /Meta num_votes is computed for pabulib; do not pass it/);
    assert.throws(() => toPabulib(exportOf({ meta: { ...META, 'bad key': 'x' } })), /Invalid meta key for pabulib: "bad key"/);
    assert.throws(() => toPabulib(exportOf({ settings: { kind: 'approval' } })), /pabulib needs a budget/);
    const withMetaBudget = parsePabulib(toPabulib(exportOf({ settings: { kind: 'approval' }, meta: { ...META, budget: 500 } })));
    assert.equal(withMetaBudget.meta.budget, '500');
    const extra = parsePabulib(toPabulib(exportOf({ meta: { ...META, subunit: 'Central district', edition: '3', currency: 'RUB', comment: '#1: pilot' } })));
    assert.equal(extra.meta.subunit, 'Central district');
    assert.equal(extra.meta.comment, '#1: pilot');
  });
});

describe('parsePabulib', () => {
  it('round trip: what toPabulib writes, parsePabulib reads back', () => {
    const result = decideVote(SETTINGS, PROJECTS, BALLOTS, { rule: 'equal_shares' });
    const parsed = parsePabulib(toPabulib(exportOf({ result })));
    assert.deepEqual(
      parsed.projects.map(({ id, cost, votes, name, selected }) => ({ id, cost, votes, name, selected: selected === 1 })),
      result.projects.map(({ id, cost, votes, name, selected }) => ({ id, cost, votes, name, selected })),
    );
    assert.deepEqual(
      parsed.votes.map(({ fields: _fields, ...v }) => v),
      BALLOTS.map((b) => ({ ...b, approved: [...b.approved] })),
    );
    assert.equal(parsed.meta.num_votes, '10');
    assert.equal(parsed.meta.date_begin, '01.03.2026');
    for (const key of ['description', 'country', 'unit', 'instance', 'language'] as const) assert.equal(parsed.meta[key], META[key]);
  });

  it('tolerates a BOM, CRLF, empty lines, lower-case section names, quoted fields and none', () => {
    const text =
      '\uFEFFmeta\r\nkey;value\r\ndescription;"Quoted; with ""semicolon"""\r\nbudget;100\r\n\r\n' +
      'projects\r\nproject_id;cost;votes;name\r\n1;40,5;1;None\r\n2;60;1;"Park"\r\n' +
      'VOTES\r\nvoter_id;vote;age\r\nv1;1, 2 ;NONE\r\nv2;;33\r\n';
    const parsed = parsePabulib(text);
    assert.deepEqual(parsed.meta, { description: 'Quoted; with "semicolon"', budget: '100' });
    assert.deepEqual(parsed.projects[0], { id: '1', cost: 40.5, votes: 1, fields: { project_id: '1', cost: '40,5', votes: '1' } });
    assert.equal(parsed.projects[1].name, 'Park');
    assert.deepEqual(parsed.votes[0].approved, ['1', '2']);
    assert.equal(parsed.votes[0].age, undefined);
    assert.deepEqual(parsed.votes[1].approved, []);
    assert.equal(parsed.votes[1].age, 33);
  });

  it('reports malformed files with the line', () => {
    assert.throws(() => parsePabulib('META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n1;2\n'), /no VOTES section/);
    assert.throws(() => parsePabulib('description;x\n'), /line 1: data before the META section/);
    assert.throws(() => parsePabulib('META\nkey;value\nPROJECTS\nproject_id;cost\n1;2;3\nVOTES\nvoter_id;vote\n'), /line 5: expected 2 fields \(project_id;cost\), got 3/);
    assert.throws(() => parsePabulib('META\nkey;value\nPROJECTS\nid;cost\n'), /line 4: the PROJECTS header has no project_id column/);
    assert.throws(() => parsePabulib('META\nkey;value\nPROJECTS\nproject_id;cost\n1;abc\nVOTES\nvoter_id;vote\n'), /line 5: cost is not a number: "abc"/);
    assert.throws(() => parsePabulib('META\nkey;value\nMETA\nkey;value\n'), /line 3: section META appears twice/);
    assert.throws(() => parsePabulib('META\n'), /section META has no header line/);
  });
});
