// Monitoring reports (api/handlers/monitoring-reports.ts) on a small hand-made dataset of the test region:
// the readiness of cabinets by municipal district and its monthly snapshot, the problem analysis with its
// trend and examples, returning cases, and the CSV/XLSX exports read back with exceljs — personal data
// only for callers who may see it, every export audited. Rows are written as the projection writes them.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../../db/connection';
import { createUserWithToken } from '../../domain/identity/users';
import { keptReadiness, takeReadinessSnapshot } from '../../domain/monitoring/cabinet-readiness';
import { runOps } from '../../ops/cli';
import { CaseExportTooLargeError, casesForExport } from '../../domain/exports/case-list';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { createHash } from 'node:crypto';
import { applicantRef } from '../../domain/monitoring/pseudonym';
import { COLUMN_TITLES, columnTitle, sheetTitle } from '../../domain/exports/titles';
import { call, offlineTemporal, roleTokens, startTestApi, type RoleTokens, type TestApi } from './helpers';

/** An instant in the test region's time zone (Asia/Barnaul, UTC+7). */
const local = (s: string) => new Date(`${s}:00+07:00`);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PERIOD = 'from=2026-11-01&to=2026-11-11';

async function workbookOf(res: Response): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}

/** A sheet as objects keyed by the JSON field of each Russian header (domain/exports/titles.ts) of the sheet `sheetKey`. */
function rowsOf(ws: ExcelJS.Worksheet, sheetKey: string): Record<string, unknown>[] {
  const fields = Object.keys(COLUMN_TITLES).map((k) => k.replace(/^[a-z ]+:/, ''));
  const fieldOf = (title: string) => fields.find((f) => columnTitle(sheetKey, f) === title) ?? `unknown header ${title}`;
  const header = (ws.getRow(1).values as unknown[]).slice(1).map(String).map(fieldOf);
  const out: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    out.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
  });
  return out;
}

describe('monitoring reports: readiness, problems, returning cases, exports', () => {
  let db: Db;
  let api: TestApi;
  let t: RoleTokens;
  let transport: string;
  let ministryApplicant: number;

  async function insertCase(id: string, c: Record<string, unknown>, events: [string, string, Record<string, unknown>?][]): Promise<void> {
    await db('cases').insert({
      id, kind: 'appeal', region_id: TEST_REGION, status: 'in_work', text: `Обращение ${id}`, term_days: 30, last_seq: events.length,
      state: JSON.stringify({ caseId: id }), registered_at: local(events[0][1]), ...c,
    });
    await db('case_events').insert(events.map(([type, at, e = {}], i) => ({
      case_id: id, seq: i + 1, type, actor_role: 'system', organisation_id: c.organisation_id, occurred_at: local(at), details: JSON.stringify({}), ...e,
    })));
  }

  before(async () => {
    ({ db } = await freshDatabase('api_monitoring_reports'));
    await createTestRegion(db);
    await db('regions').insert({ id: 'otherland', name: 'Other', time_zone: 'Asia/Vladivostok', number_prefix: '97' });
    t = await roleTokens(db, 'otherland');
    api = await startTestApi(db);
    // Readiness: who can sign in, whose form is on a site, who has handled a case.
    transport = (await createUserWithToken(db, { role: 'operator', name: 'Transport operator', organisationId: ORG.transport })).token;
    const gov = await createUserWithToken(db, { role: 'operator', name: 'Former operator', organisationId: ORG.government });
    await db('api_tokens').where({ id: gov.tokenId }).update({ revoked_at: new Date() });
    const [settlementOp] = await db('users').insert({ role: 'operator', name: 'Settlement head', organisation_id: ORG.settlement }).returning('id');
    await db('user_identities').insert({ issuer: 'https://id.example', subject: 'head', user_id: settlementOp.id });
    await db('embed_origins').insert([ORG.ministry, ORG.district, ORG.settlement].map((o) => ({ organisation_id: o, origin: `https://${o}.example` })));
    await db('organisations').insert({ id: 'testland.closed-school', region_id: TEST_REGION, parent_id: ORG.district, name: 'Закрытая школа', kind: 'institution', territory_id: TERRITORY.village, active: false });
    await db('embed_origins').insert({ organisation_id: 'testland.closed-school', origin: 'https://closed.example' });
    await insertCase('R-1', { organisation_id: ORG.ministry, category_id: CAT.medicine }, [['registered', '2026-09-01T10:00'], ['taken_into_work', '2026-09-02T10:00']]);
    await insertCase('R-2', { organisation_id: ORG.transport, category_id: CAT.roads }, [['registered', '2026-09-01T10:00'], ['answered', '2026-09-03T10:00']]);
    await insertCase('R-3', { organisation_id: ORG.district, category_id: CAT.roads }, [['registered', '2026-09-01T10:00'], ['answered', '2026-09-03T10:00']]);
    await insertCase('R-4', { organisation_id: ORG.district, category_id: CAT.roads }, [['registered', '2026-09-01T10:00', { organisation_id: ORG.settlement }],
      ['redirected', '2026-09-02T10:00', { organisation_id: ORG.district, from_organisation_id: ORG.settlement }]]);
    // Problems: the period 1–10 November and the 10 days before it.
    ministryApplicant = t.otherCitizenUser.id;
    const anna = { applicant_name: 'Анна Дорожная', applicant_email: 'Anna@Example.org', subcategory_id: CAT.potholes, category_id: CAT.roads };
    await insertCase('C-1', { ...anna, organisation_id: ORG.district, territory_id: TERRITORY.village, text: 'Яма у дома 5' },
      [['registered', '2026-11-02T10:00'], ['overdue', '2026-11-05T09:00']]);
    await insertCase('C-2', { organisation_id: ORG.government, category_id: CAT.roads, subcategory_id: CAT.potholes, territory_id: TERRITORY.district, applicant_name: 'Борис Ямин', text: '=1+1 яма', status: 'closed', rating: 2, round: 2 },
      [['registered', '2026-11-03T10:00', { organisation_id: ORG.district }],
        ['escalated', '2026-11-06T10:00', { organisation_id: ORG.government, from_organisation_id: ORG.district, details: JSON.stringify({ rating: 1, from: ORG.district, to: ORG.government }) }],
        ['closed', '2026-11-08T10:00', { organisation_id: ORG.government, details: JSON.stringify({ rating: 2, resolution: 'negative_at_top' }) }]]);
    const vera = { applicant_user_id: ministryApplicant, applicant_name: 'Вера Врачева', category_id: CAT.medicine, subcategory_id: CAT.ambulance, organisation_id: ORG.ministry };
    await insertCase('C-3', { ...vera, text: 'Скорая не приехала', round: 2 }, [['registered', '2026-10-25T10:00'], ['overdue', '2026-10-28T10:00'], ['reopened', '2026-11-04T10:00']]);
    await insertCase('C-4', { ...vera, text: 'Скорая снова', status: 'closed', rating: 5 }, [['registered', '2026-11-09T10:00'], ['rated', '2026-11-10T10:00', { details: JSON.stringify({ rating: 5 }) }]]);
    await insertCase('C-5', { ...anna, applicant_email: 'anna@example.org', organisation_id: ORG.district, territory_id: TERRITORY.village },
      [['registered', '2026-10-23T10:00'], ['escalated', '2026-10-30T10:00', { from_organisation_id: ORG.district, details: JSON.stringify({ rating: 2, from: ORG.district, to: ORG.government }) }]]);
  });

  after(async () => {
    await api?.close();
  });

  it('counts created and ready cabinets per municipal district and kind of organisation', async () => {
    const res = await call(api, 'GET', '/monitoring/readiness', { token: t.supervisor });
    assert.equal(res.status, 200, res.text);
    const row = (territory: string, kind: string) => {
      const r = res.body.rows.find((x: any) => x.territoryId === territory && x.organisationKind === kind);
      return r && [r.created, r.withActiveOperator, r.withEmbeddedForm, r.withHandledCase, r.ready, r.readyShare];
    };
    // government: revoked key only, no form, no case; ministry: all three; transport: no form.
    assert.deepEqual(row(TERRITORY.region, 'executive_body'), [3, 2, 1, 2, 1, 0.3333]);
    assert.deepEqual(row(TERRITORY.region, 'municipality'), [0, 0, 0, 0, 0, null]);
    assert.deepEqual(row(TERRITORY.district, 'municipality'), [1, 1, 1, 1, 1, 1]);
    // The settlement and the school lie in the village, which is in the district; the closed school is not counted.
    assert.deepEqual(row(TERRITORY.district, 'settlement'), [1, 1, 1, 1, 1, 1], 'a sign-in identity and a redirect count');
    assert.deepEqual(row(TERRITORY.district, 'institution'), [1, 0, 0, 0, 0, 0]);
    assert.equal(res.body.rows.length, 8, 'two rows (region, district) × four kinds');
    assert.deepEqual(res.body.rows.slice(0, 4).map((r: any) => r.territoryKind), ['region', 'region', 'region', 'region']);
    assert.deepEqual(res.body.totals.map((x: any) => [x.organisationKind, x.created, x.ready]),
      [['executive_body', 3, 1], ['municipality', 1, 1], ['settlement', 1, 1], ['institution', 1, 0]]);
    assert.equal(res.body.snapshotMonth, null);
  });

  it('keeps one snapshot a month that later data does not change, and compares with it', async () => {
    const first = await takeReadinessSnapshot(db, TEST_REGION, new Date('2026-11-15T05:00:00Z'));
    assert.deepEqual([first.month, first.created], ['2026-11', true]);
    await db('embed_origins').insert({ organisation_id: ORG.transport, origin: 'https://transport.example' });
    const again = await takeReadinessSnapshot(db, TEST_REGION, new Date('2026-11-20T05:00:00Z'));
    assert.deepEqual([again.month, again.created, again.takenAt], ['2026-11', false, first.takenAt]);
    const kept = await keptReadiness(db, TEST_REGION, '2026-11');
    assert.equal(kept!.rows.find((r) => r.territoryId === TERRITORY.region && r.organisationKind === 'executive_body')!.ready, 1, 'the kept month is as it was');
    // 1 December 00:30 in Barnaul is still 30 November in UTC: the month is the region's.
    const december = await takeReadinessSnapshot(db, TEST_REGION, new Date('2026-11-30T17:30:00Z'));
    assert.deepEqual([december.month, december.created], ['2026-12', true]);
    const list = await call(api, 'GET', '/monitoring/readiness/snapshots', { token: t.supervisor });
    assert.deepEqual(list.body.items.map((s: any) => s.month), ['2026-12', '2026-11']);
    const compared = await call(api, 'GET', '/monitoring/readiness/snapshots/2026-12?compareTo=2026-11', { token: t.supervisor });
    const exec = compared.body.rows.find((r: any) => r.territoryId === TERRITORY.region && r.organisationKind === 'executive_body');
    assert.deepEqual([exec.ready, exec.previous.ready, compared.body.comparedTo], [2, 1, '2026-11']);
    assert.equal((await call(api, 'GET', '/monitoring/readiness/snapshots/2026-10', { token: t.supervisor })).status, 404);
    assert.equal((await call(api, 'GET', '/monitoring/readiness?compareTo=2026-10', { token: t.supervisor })).status, 404);
    const ops = { db, client: offlineTemporal(), taskQueue: 'x', namespace: 'default' };
    const run1 = await runOps(['readiness-snapshot', '--region', TEST_REGION], ops);
    const run2 = await runOps(['readiness-snapshot', '--region', TEST_REGION], ops);
    assert.equal(run1.code, 0, run1.text);
    assert.match(run2.text, /already kept since/, 'the ops command is idempotent per month');
    assert.equal((run1.json as any).taken[0].month, (run2.json as any).taken[0].month);
  });

  it('finds the categories, organisations and districts with low ratings, repeat processing and overdue cases, with the trend', async () => {
    const res = await call(api, 'GET', `/monitoring/problems?${PERIOD}`, { token: t.supervisor });
    assert.equal(res.status, 200, res.text);
    const a = res.body;
    assert.deepEqual([a.period, a.previousPeriod], [{ from: '2026-11-01', to: '2026-11-11' }, { from: '2026-10-22', to: '2026-11-01' }]);
    const brief = (g: any) => [g.id, g.current.received, g.current.lowRatings, g.current.repeatProcessing, g.current.overdue, g.current.problems, g.previous.problems, g.trend];
    assert.deepEqual(a.categories.map(brief), [[CAT.roads, 2, 2, 1, 1, 4, 2, 2], [CAT.medicine, 1, 0, 1, 0, 1, 1, 0]]);
    assert.deepEqual(a.organisations.map(brief), [[ORG.district, 2, 1, 1, 1, 3, 2, 1], [ORG.government, 0, 1, 0, 0, 1, 0, 1], [ORG.ministry, 1, 0, 1, 0, 1, 1, 0]]);
    assert.deepEqual(a.territories.map(brief), [[TERRITORY.district, 2, 2, 1, 1, 4, 2, 2], [null, 1, 0, 1, 0, 1, 1, 0]]);
    assert.equal(a.categories[0].name, 'Дороги');
    assert.deepEqual(a.categories[0].examples.map((e: any) => [e.caseId, e.problem, e.rating]), [['C-2', 'low_rating', 2], ['C-2', 'low_rating', 1], ['C-1', 'overdue', null]]);
    assert.equal(a.categories[0].examples[0].applicant.name, 'Борис Ямин', 'a supervisor sees the applicant');
    const top1 = await call(api, 'GET', `/monitoring/problems?${PERIOD}&top=1&examples=0`, { token: t.supervisor });
    assert.deepEqual([top1.body.organisations.length, top1.body.organisations[0].examples], [1, []]);
    assert.equal((await call(api, 'GET', '/monitoring/problems?from=2026-11-11&to=2026-11-01', { token: t.supervisor })).status, 400);
  });

  it('shows examples\' personal data only of cases the caller may see, and audits what it shows', async () => {
    const before = await db('audit_log').where({ action: 'case.read_personal_data', case_id: 'C-3' }).count('* as n').first();
    const res = await call(api, 'GET', `/monitoring/problems?${PERIOD}`, { token: t.ministry });
    const roads = res.body.categories.find((g: any) => g.id === CAT.roads);
    assert.ok(roads.examples.every((e: any) => e.applicant === undefined && e.text === undefined), 'another organisation\'s cases');
    const medicine = res.body.categories.find((g: any) => g.id === CAT.medicine);
    assert.equal(medicine.examples[0].applicant.name, 'Вера Врачева', 'its own case');
    const after = await db('audit_log').where({ action: 'case.read_personal_data', case_id: 'C-3' }).count('* as n').first();
    assert.equal(Number(after!.n) - Number(before!.n), 1);
  });

  it('lists cases that come back: the same applicant and subject in the period', async () => {
    const res = await call(api, 'GET', '/monitoring/problems/returning?from=2026-10-20&to=2026-11-11', { token: t.supervisor });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.items.map((g: any) => [g.subjectId, g.cases.map((c: any) => c.caseId), g.applicant?.name]),
      [[CAT.potholes, ['C-5', 'C-1'], 'Анна Дорожная'], [CAT.ambulance, ['C-3', 'C-4'], 'Вера Врачева']]);
    const ministry = await call(api, 'GET', '/monitoring/problems/returning?from=2026-10-20&to=2026-11-11', { token: t.ministry });
    assert.deepEqual(ministry.body.items.map((g: any) => g.applicant?.name ?? null), [null, 'Вера Врачева']);
    assert.equal(ministry.body.items[0].applicantRef, res.body.items[0].applicantRef, 'the pseudonym is the same for everyone');
    // The pseudonym is keyed: not the plain hash of the applicant's e-mail, which anyone could recompute,
    // but an HMAC with the key generated on first use and kept in the database, the same for every process.
    const plain = createHash('sha256').update(`otklik:applicant:${TEST_REGION}:email:anna@example.org`).digest('hex').slice(0, 12);
    assert.notEqual(res.body.items[0].applicantRef, plain);
    const [{ value: key }] = await db('platform_secrets').where({ name: 'applicant-pseudonym' });
    assert.equal(res.body.items[0].applicantRef, applicantRef(key, TEST_REGION, 'email:anna@example.org'));
    const configured = await startTestApi(db, { pseudonymSecret: 'p'.repeat(40) });
    try {
      const again = await call(configured, 'GET', '/monitoring/problems/returning?from=2026-10-20&to=2026-11-11', { token: t.supervisor });
      assert.equal(again.body.items[0].applicantRef, applicantRef('p'.repeat(40), TEST_REGION, 'email:anna@example.org'), 'OTKLIK_PSEUDONYM_SECRET replaces the generated key');
    } finally {
      await configured.close();
    }
    const narrow = await call(api, 'GET', '/monitoring/problems/returning?from=2026-11-01&to=2026-11-11', { token: t.supervisor });
    assert.deepEqual(narrow.body.items, []);
  });

  it('exports readiness as XLSX that exceljs reads back, and audits the export', async () => {
    const res = await fetch(`${api.url}/monitoring/readiness?format=xlsx`, { headers: { authorization: `Bearer ${t.supervisor}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), XLSX);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="readiness-testland-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const wb = await workbookOf(res);
    // Staff open the file in Excel: Russian headers, the JSON field names stay in the API.
    const headerRow = (wb.getWorksheet('Готовность кабинетов')!.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(headerRow.slice(0, 6), ['Код территории', 'Муниципальный район (округ)', 'Вид территории', 'Вид организации', 'Создано кабинетов', 'С активным оператором']);
    const rows = rowsOf(wb.getWorksheet('Готовность кабинетов')!, 'readiness');
    const exec = rows.find((r) => r.territoryId === TERRITORY.region && r.organisationKind === 'Органы власти')!;
    assert.deepEqual([exec.territoryName, exec.created, exec.ready], ['Тестовый край', 3, 2]);
    assert.equal(rowsOf(wb.getWorksheet(sheetTitle('totals'))!, 'totals').length, 4);
    const entry = await db('audit_log').where({ action: 'report.exported' }).orderBy('id', 'desc').first();
    assert.deepEqual([entry.operation, entry.region_id, entry.details.report, entry.details.format, entry.details.rows, entry.details.personalData],
      ['getCabinetReadiness', TEST_REGION, 'readiness', 'xlsx', 12, false]);
  });

  it('exports the problems as CSV and XLSX; personal columns only for a caller who may see them', async () => {
    const csv = await fetch(`${api.url}/monitoring/problems?${PERIOD}&format=csv`, { headers: { authorization: `Bearer ${t.supervisor}` } });
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte-order mark for Excel');
    const wb = new ExcelJS.Workbook();
    const ws = await wb.csv.read(Readable.from(bytes.subarray(3).toString('utf8')));
    const groups = rowsOf(ws, 'problems');
    assert.deepEqual(groups.map((g) => [g.dimension, g.id, g['current.problems'], g.trend]).slice(0, 2), [['Категории', CAT.roads, 4, 2], ['Категории', CAT.medicine, 1, 0]], 'codes as their Russian names');
    const sup = await workbookOf(await fetch(`${api.url}/monitoring/problems?${PERIOD}&format=xlsx`, { headers: { authorization: `Bearer ${t.supervisor}` } }));
    const supExamples = rowsOf(sup.getWorksheet(sheetTitle('examples'))!, 'examples');
    assert.ok(supExamples.some((e) => e['applicant.name'] === 'Борис Ямин' && e.text === '=1+1 яма'), 'an XLSX text cell is a string, never a formula');
    const before = await db('audit_log').where({ action: 'case.read_personal_data' }).count('* as n').first();
    const res = await fetch(`${api.url}/monitoring/problems?${PERIOD}&format=xlsx`, { headers: { authorization: `Bearer ${transport}` } });
    assert.equal(res.status, 200);
    const examplesSheet = (await workbookOf(res)).getWorksheet(sheetTitle('examples'))!;
    const headers = (examplesSheet.getRow(1).values as unknown[]).slice(1);
    assert.ok(!headers.includes('Заявитель') && !headers.includes('Текст обращения'), `no personal columns: ${headers.join(',')}`);
    const cells: string[] = [];
    examplesSheet.eachRow((r) => (r.values as unknown[]).forEach((v) => cells.push(String(v))));
    assert.ok(!cells.some((c) => /Анна|Борис|Вера|Яма|Скорая/.test(c)), 'no name or text of a case the caller may not see');
    assert.ok(rowsOf(examplesSheet, 'examples').some((e) => e.caseId === 'C-2'), 'the examples themselves are there');
    const after = await db('audit_log').where({ action: 'case.read_personal_data' }).count('* as n').first();
    assert.equal(Number(after!.n), Number(before!.n), 'no personal data shown');
    const entry = await db('audit_log').where({ action: 'report.exported' }).orderBy('id', 'desc').first();
    assert.deepEqual([entry.details.report, entry.details.format, entry.details.personalData, entry.details.filters], ['problems', 'xlsx', false, { from: '2026-11-01', to: '2026-11-11', top: 10, examples: 3 }], 'the filters as applied, defaults included');
  });

  it('exports the staff case list: the whole filtered list, formulas neutralised in CSV, audited', async () => {
    const res = await fetch(`${api.url}/cases?format=csv&categoryId=${CAT.roads}&limit=1`, { headers: { authorization: `Bearer ${t.supervisor}` } });
    assert.equal(res.status, 200);
    const ws = await new ExcelJS.Workbook().csv.read(Readable.from(Buffer.from(await res.arrayBuffer()).subarray(3).toString('utf8')));
    const rows = rowsOf(ws, 'cases');
    assert.deepEqual(rows.map((r) => r.id).sort(), ['C-1', 'C-2', 'C-5', 'R-2', 'R-3', 'R-4'], 'not a page: limit does not apply');
    assert.equal(rows.find((r) => r.id === 'C-2')!.text, "'=1+1 яма", 'a text that looks like a formula is not one');
    assert.equal(rows.find((r) => r.id === 'C-1')!['applicant.name'], 'Анна Дорожная');
    assert.deepEqual([rows.find((r) => r.id === 'C-1')!.kind, rows.find((r) => r.id === 'C-1')!.status], ['Обращение (59-ФЗ)', 'В работе'], 'a case\'s kind and status by their names');
    const c1 = rows.find((r) => r.id === 'C-1')!;
    const names = async (table: string, id: unknown) => (await db(table).where({ id }).first('name')).name as string;
    assert.deepEqual(
      [c1.organisationName, c1.categoryName, c1.subcategoryName, c1.territoryName],
      [await names('organisations', c1.organisationId), await names('categories', c1.categoryId), await names('categories', c1.subcategoryId), await names('territories', c1.territoryId)],
      'names beside the codes',
    );
    assert.ok(c1.organisationId && c1.categoryId && c1.subcategoryId && c1.territoryId, 'the codes are still there');
    assert.equal(c1.channel, 'Сайт и приложение', 'how it came in, by its name');
    const entries = await db('audit_log').where({ action: 'case.read_personal_data', operation: 'listCases' }).pluck('case_id');
    assert.ok(['C-1', 'C-2', 'C-5'].every((id) => entries.includes(id)), 'the personal data in the file is recorded per case');
    const district = await workbookOf(await fetch(`${api.url}/cases?format=xlsx`, { headers: { authorization: `Bearer ${t.district}` } }));
    assert.deepEqual(rowsOf(district.getWorksheet(sheetTitle('cases'))!, 'cases').map((r) => r.id).sort(), ['C-1', 'C-5', 'R-3', 'R-4'], 'an operator exports the own organisation\'s cases');
    const exported = await db('audit_log').where({ action: 'report.exported', operation: 'listCases' }).orderBy('id').select('details', 'region_id');
    assert.deepEqual(exported.map((e) => [e.details.format, e.details.rows, e.region_id]), [['csv', 6, TEST_REGION], ['xlsx', 4, TEST_REGION]]);
    const admin = { id: 0, role: 'administrator' as const, name: 'Admin', email: null, organisationId: null, regionId: null };
    await assert.rejects(casesForExport(db, admin, {}, 5), CaseExportTooLargeError, 'past the limit: narrow the filters');
    assert.equal((await casesForExport(db, admin, {}, 9)).length, 9);
  });

  it('shows a region\'s reports to its own staff only', async () => {
    for (const path of ['/monitoring/readiness?regionId=testland', `/monitoring/problems?regionId=testland&${PERIOD}`, '/monitoring/problems/returning?regionId=testland', '/monitoring/readiness/snapshots?regionId=testland']) {
      assert.equal((await call(api, 'GET', path, { token: t.otherSupervisor })).status, 403, path);
    }
    const own = await call(api, 'GET', `/monitoring/problems?${PERIOD}`, { token: t.otherSupervisor });
    assert.deepEqual([own.body.regionId, own.body.categories, own.body.organisations], ['otherland', [], []]);
    const all = await call(api, 'GET', '/monitoring/readiness', { token: t.admin });
    assert.deepEqual([all.status, all.body.regionId, all.body.rows.length], [200, null, 8], 'an administrator without a region: every region (otherland has no territories)');
    const allProblems = await call(api, 'GET', `/monitoring/problems?${PERIOD}`, { token: t.admin });
    assert.deepEqual(allProblems.body.categories.map((g: any) => g.id), [CAT.roads, CAT.medicine]);
    assert.equal((await call(api, 'GET', '/monitoring/readiness/snapshots/not-a-month', { token: t.admin })).status, 404);
    assert.equal((await call(api, 'GET', '/monitoring/readiness?regionId=nowhere', { token: t.admin })).status, 404);
    assert.equal((await call(api, 'GET', '/monitoring/readiness?regionId=testland', { token: t.admin })).status, 200);
    assert.equal((await call(api, 'GET', '/monitoring/readiness', { token: t.citizen })).status, 403);
  });
});
