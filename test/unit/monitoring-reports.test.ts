// The pure rules of the monitoring reports: territories to municipal districts, the readiness table, the
// report period, the ranking of problem groups, and which export columns a caller gets.
import assert from 'node:assert/strict';
import { regionDistricts } from '../../domain/monitoring/districts';
import { compareReadiness, readinessTable, monthOf, type Cabinet } from '../../domain/monitoring/cabinet-readiness';
import { reportPeriod, ReportPeriodError } from '../../domain/monitoring/report-period';
import { rankGroups, type GroupCountsRow } from '../../domain/monitoring/problem-analysis';
import { visibleColumns, writeExport } from '../../domain/exports/table';
import { columnTitle, namedValue, sheetTitle, valueNames } from '../../domain/exports/titles';
import { loadSpec } from '../../openapi/spec';
import { problemSheets, readinessSheets, returningSheets } from '../../domain/monitoring/report-sheets';
import { caseListSheet } from '../../domain/exports/case-list';
import { caseIndicatorSheets, participationSheets, ratingSheets, winningProjectSheets } from '../../domain/monitoring/indicator-sheets';
import { BETTER } from '../../domain/monitoring/scoring';
import { applicantRef } from '../../domain/monitoring/pseudonym';
import { pseudonymSecretFromEnv } from '../../domain/config/pseudonym';
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';

const TERRITORIES = [
  { id: 'r', parentId: null, name: 'Край', kind: 'region' },
  { id: 'b', parentId: 'r', name: 'Бийский район', kind: 'municipal_district' },
  { id: 'a', parentId: 'r', name: 'Алейский район', kind: 'municipal_district' },
  { id: 'a.s', parentId: 'a', name: 'Село', kind: 'settlement' },
  { id: 'a.s.x', parentId: 'a.s', name: 'Хутор', kind: 'settlement' },
  { id: 'c', parentId: 'r', name: 'город Барнаул', kind: 'city_district' },
  { id: 'loose', parentId: 'r', name: 'Межселенная территория', kind: 'settlement' },
];

describe('monitoring report rules', () => {
  it('maps every territory to its district, the region row first and districts by name', () => {
    const { districts, districtOf } = regionDistricts(TERRITORIES);
    assert.deepEqual(districts.map((d) => d.id), ['r', 'a', 'b', 'c']);
    assert.deepEqual(['r', 'a.s', 'a.s.x', 'c', 'loose'].map((id) => districtOf.get(id)), ['r', 'a', 'a', 'c', 'r']);
  });

  it('counts created and ready cabinets per district and kind', () => {
    const { districts } = regionDistricts(TERRITORIES);
    const cab = (kind: Cabinet['kind'], districtId: string, op: boolean, form: boolean, handled: boolean): Cabinet =>
      ({ kind, districtId, hasActiveOperator: op, hasEmbeddedForm: form, hasHandledCase: handled });
    const { rows, totals } = readinessTable(districts, [
      cab('municipality', 'a', true, true, true), cab('settlement', 'a', true, false, true), cab('settlement', 'a', true, true, true),
      cab('municipality', 'b', false, true, true), cab('executive_body', 'r', true, true, false),
    ]);
    assert.equal(rows.length, 4 * 3, 'every district × the kinds the region has');
    const row = (d: string, k: string) => rows.find((r) => r.territoryId === d && r.organisationKind === k)!;
    assert.deepEqual(row('a', 'settlement'), { territoryId: 'a', territoryName: 'Алейский район', territoryKind: 'municipal_district', organisationKind: 'settlement',
      created: 2, withActiveOperator: 2, withEmbeddedForm: 1, withHandledCase: 2, ready: 1, readyShare: 0.5, previous: null });
    assert.equal(row('c', 'municipality').readyShare, null, 'none created: no share');
    assert.deepEqual(totals.map((t) => [t.organisationKind, t.created, t.ready]), [['executive_body', 1, 0], ['municipality', 2, 1], ['settlement', 2, 1]]);
    const report = { regionId: 'x', snapshotMonth: null, asOf: '', comparedTo: null, rows, totals };
    const kept = { ...report, snapshotMonth: '2026-10', rows: rows.filter((r) => r.territoryId !== 'c').map((r) => ({ ...r, ready: 0 })) };
    const compared = compareReadiness(report, kept);
    assert.equal(compared.comparedTo, '2026-10');
    assert.equal(compared.rows.find((r) => r.territoryId === 'a' && r.organisationKind === 'municipality')!.previous!.ready, 0);
    assert.equal(compared.rows.find((r) => r.territoryId === 'c')!.previous, null, 'a row the snapshot did not have');
  });

  it('takes the month in the region\'s time zone', () => {
    assert.equal(monthOf(new Date('2026-11-30T17:30:00Z'), 'Asia/Barnaul'), '2026-12');
    assert.equal(monthOf(new Date('2026-11-30T17:30:00Z'), 'Europe/Astrakhan'), '2026-11');
  });

  it('reads a period of days and the one before it', () => {
    const p = reportPeriod({ from: '2026-11-01', to: '2026-12-01' }, 30, '2026-12-06', 'Asia/Barnaul');
    assert.deepEqual([p.from, p.to, p.previousFrom, p.fromAt.toISOString()], ['2026-11-01', '2026-12-01', '2026-10-02', '2026-10-31T17:00:00.000Z']);
    const d = reportPeriod({}, 30, '2026-12-06', 'Asia/Barnaul');
    assert.deepEqual([d.from, d.to], ['2026-11-07', '2026-12-07'], 'the 30 days up to today');
    assert.throws(() => reportPeriod({ from: '2026-11-02', to: '2026-11-01' }, 30, '2026-12-06', 'UTC'), ReportPeriodError);
    assert.throws(() => reportPeriod({ from: '2020-01-01', to: '2026-01-01' }, 30, '2026-12-06', 'UTC'), ReportPeriodError);
  });

  it('ranks problem groups: most problems, then the steepest rise; groups without problems are left out', () => {
    const g = (key: string | null, now: number, before: number): GroupCountsRow => ({
      dimension: 'categories', key,
      current: { received: 9, lowRatings: now, repeatProcessing: 0, overdue: 0, problems: now },
      previous: { received: 9, lowRatings: before, repeatProcessing: 0, overdue: 0, problems: before },
    });
    const ranked = rankGroups([g('a', 1, 3), g('b', 2, 0), g('c', 1, 0), g('quiet', 0, 0), g(null, 0, 4)], 10);
    assert.deepEqual(ranked.map((r) => r.key), ['b', 'c', 'a', null]);
    assert.equal(rankGroups([g('a', 1, 3), g('b', 2, 0)], 1).length, 1);
  });

  it('leaves personal columns out for a caller who may not see them, and writes a workbook exceljs reads', async () => {
    const columns = [{ header: 'id', value: (r: { id: string; name?: string }) => r.id }, { header: 'name', value: (r: { id: string; name?: string }) => r.name, personal: true }];
    assert.deepEqual(visibleColumns(columns, false).map((c) => c.header), ['id']);
    const sheet = { name: 'cases', columns, rows: [{ id: '1', name: 'Анна' }, { id: '=2' }] };
    const file = await writeExport('xlsx', 'x', [sheet], { personalData: true });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Обращения')!;
    assert.deepEqual([ws.getCell('A1').value, ws.getCell('B1').value, ws.getCell('B2').value, ws.getCell('A3').value, ws.getCell('B3').value], ['Номер обращения', 'Наименование', 'Анна', '=2', null]);
    const csv = await writeExport('csv', 'x', [sheet], { personalData: false });
    assert.equal(csv.body.toString('utf8'), '\uFEFFНомер обращения\n1\n\'=2');
  });

  it('gives every column of the platform\'s reports a Russian header, unique within its sheet', () => {
    const period = { from: '2026-11-01', to: '2026-11-30' };
    const sheets = [
      ...readinessSheets({ regionId: 'r', snapshotMonth: '2026-11', asOf: '', comparedTo: '2026-10', rows: [], totals: [] }),
      ...problemSheets({ regionId: 'r', period, previousPeriod: period, categories: [], organisations: [], territories: [] } as unknown as Parameters<typeof problemSheets>[0]),
      ...returningSheets({ regionId: 'r', period, items: [] } as unknown as Parameters<typeof returningSheets>[0]),
      caseListSheet([], { organisations: new Map(), categories: new Map(), territories: new Map() }),
      ...caseIndicatorSheets({ scope: { groupBy: ['month', 'organisation', 'territory', 'category', 'channel'] }, definitions: [], rows: [] } as unknown as Parameters<typeof caseIndicatorSheets>[0]),
      ...participationSheets({ scope: { groupBy: ['month', 'organisation'] }, definitions: [], rows: [] } as unknown as Parameters<typeof participationSheets>[0]),
      ...winningProjectSheets({ rows: [] } as unknown as Parameters<typeof winningProjectSheets>[0]),
      ...ratingSheets({ quarter: '2026-Q2', rows: [], config: { indicators: Object.keys(BETTER).map((indicator) => ({ indicator })) } } as unknown as Parameters<typeof ratingSheets>[0]),
    ];
    for (const sheet of sheets) {
      assert.match(sheetTitle(sheet.name), /^[А-ЯЁ][а-яё -]+( \d{4}-(\d{2}|Q\d))?$/, sheet.name);
      const titles = sheet.columns.map((c) => columnTitle(sheet.name, c.header));
      for (const [i, t] of titles.entries()) assert.match(t, /^[А-ЯЁ][А-ЯЁа-яё0-9 (),:%–«»-]+$/, `${sheet.name}: ${sheet.columns[i].header} has no Russian header`);
      assert.equal(new Set(titles).size, titles.length, `${sheet.name}: two columns share a header`);
    }
    assert.equal(sheetTitle('readiness 2026-11'), 'Готовность кабинетов 2026-11');
    assert.equal(columnTitle('examples', 'caseId'), columnTitle('cases', 'id'), 'a case number reads alike in every file');
  });

  it('writes every code of the API\'s enums in a file by its Russian name, and a code it does not know as it is', async () => {
    const valueTitle = <V>(sheet: string, field: string, value: V) => namedValue(valueNames(sheet, field), value);
    const schemas = loadSpec().components!.schemas as Record<string, any>;
    const codes: [sheet: string, field: string, values: string[]][] = [
      ['cases', 'kind', schemas.CaseKind.enum], ['cases', 'status', schemas.CaseStatus.enum], ['cases', 'resolution', schemas.Resolution.enum],
      ['examples', 'status', schemas.CaseStatus.enum], ['examples', 'problem', schemas.ProblemKind.enum],
      ['readiness', 'territoryKind', schemas.CabinetReadinessRow.allOf[1].properties.territoryKind.enum],
      ['readiness', 'organisationKind', schemas.OrganisationKind.enum], ['problems', 'dimension', ['categories', 'organisations', 'territories']],
      ['indicators', 'channel', ['web', 'embed', 'open311', 'integration', 'incident']], ['projects', 'status', schemas.ImplementationStatus.enum],
      ['weights', 'better', [...new Set(Object.values(BETTER))]],
    ];
    for (const [sheet, field, values] of codes) {
      assert.ok(values.length > 1, `${sheet}: ${field} has codes`);
      const names = values.map((v) => valueTitle(sheet, field, v));
      for (const [i, name] of names.entries()) assert.match(String(name), /^(Open311|[А-ЯЁа-яё][А-ЯЁа-яё0-9 (),:–-]+)$/, `${sheet}: ${field} ${values[i]} has no Russian name`);
      assert.equal(new Set(names).size, names.length, `${sheet}: two codes of ${field} share a name`);
    }
    assert.equal(valueTitle('projects', 'status', 'in_progress'), 'Выполняется', 'a project\'s status is not a case\'s');
    assert.deepEqual([valueTitle('indicators', 'channel', 'vk'), valueTitle('cases', 'text', 'closed'), valueTitle('cases', 'rating', 5)], ['vk', 'closed', 5],
      'an unknown code, a free text and a number stay as they are');
    const sheet = { name: 'cases', columns: [{ header: 'status', value: (r: { s: string }) => r.s }, { header: 'text', value: (r: { s: string }) => r.s }], rows: [{ s: 'answered' }] };
    const csv = await writeExport('csv', 'x', [sheet], { personalData: true });
    assert.equal(csv.body.toString('utf8'), '\uFEFFСтатус,Текст обращения\nДан ответ,answered');
  });

  it('names an applicant by a stable keyed pseudonym of the region, not a hash anyone can recompute', () => {
    const key = 'k'.repeat(32);
    assert.equal(applicantRef(key, 'altai', 'user:7'), applicantRef(key, 'altai', 'user:7'));
    assert.notEqual(applicantRef(key, 'altai', 'user:7'), applicantRef(key, 'astrakhan', 'user:7'));
    assert.notEqual(applicantRef(key, 'altai', 'user:7'), applicantRef('x'.repeat(32), 'altai', 'user:7'), 'another key, another pseudonym');
    assert.match(applicantRef(key, 'altai', 'user:7'), /^[0-9a-f]{12}$/);
    const plain = createHash('sha256').update('otklik:applicant:altai:user:7').digest('hex').slice(0, 12);
    assert.notEqual(applicantRef(key, 'altai', 'user:7'), plain);
  });

  it('takes the pseudonyms\' key from OTKLIK_PSEUDONYM_SECRET, refusing a short one', () => {
    const problems: string[] = [];
    assert.equal(pseudonymSecretFromEnv({}, problems), undefined);
    assert.equal(pseudonymSecretFromEnv({ OTKLIK_PSEUDONYM_SECRET: 'a'.repeat(64) }, problems), 'a'.repeat(64));
    assert.deepEqual(problems, []);
    assert.equal(pseudonymSecretFromEnv({ OTKLIK_PSEUDONYM_SECRET: 'short' }, problems), undefined);
    assert.match(problems[0], /^OTKLIK_PSEUDONYM_SECRET: expected at least 32 characters/);
  });
});
