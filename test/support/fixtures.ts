// A small region for workflow and API tests, independent of the seed files: a government at the top,
// a ministry under it, a municipal district with a settlement, and a classifier with one accelerated
// subcategory (10 days) and one ordinary one (30 days). The district and the settlement also use the
// incidents module, so that incidents routed to them stay there (workflows/rules/incident-routing.ts).
import type { Db } from '../../db/connection';

export const TEST_REGION = 'testland';
export const ORG = {
  government: 'testland.government',
  ministry: 'testland.ministry',
  transport: 'testland.transport',
  district: 'testland.district',
  settlement: 'testland.settlement',
  school: 'testland.school',
} as const;
export const CAT = {
  medicine: 'testland.c.medicine',
  ambulance: 'testland.c.medicine.ambulance', // accelerated, 10 days, ministry
  roads: 'testland.c.roads',
  potholes: 'testland.c.roads.potholes', // ordinary, 30 days, district (territory rule)
} as const;
export const TERRITORY = { region: 'testland.t', district: 'testland.t.district', village: 'testland.t.village' } as const;

// Registration numbers are workflow ids, and test files share one dev server: each test database's
// region numbers its cases with a prefix of its own, so no two files start the same workflow id.
let prefixes = 0;

export async function createTestRegion(db: Db, profile: Partial<Record<string, unknown>> = {}): Promise<void> {
  await db('regions').insert({ id: TEST_REGION, name: 'Тестовый край', time_zone: 'Asia/Barnaul', number_prefix: `T${++prefixes}` });
  await db('regulation_profiles').insert({ region_id: TEST_REGION, municipal_terms_advisory: false, ...profile });
  await db('territories').insert([
    { id: TERRITORY.region, region_id: TEST_REGION, parent_id: null, name: 'Тестовый край', kind: 'region' },
    { id: TERRITORY.district, region_id: TEST_REGION, parent_id: TERRITORY.region, name: 'Тестовый район', kind: 'municipal_district' },
    { id: TERRITORY.village, region_id: TEST_REGION, parent_id: TERRITORY.district, name: 'Село Тестовое', kind: 'settlement' },
  ]);
  await db('organisations').insert([
    { id: ORG.government, region_id: TEST_REGION, parent_id: null, name: 'Правительство Тестового края', kind: 'executive_body', territory_id: TERRITORY.region, modules: ['appeals'] },
    { id: ORG.ministry, region_id: TEST_REGION, parent_id: ORG.government, name: 'Министерство здравоохранения', kind: 'executive_body', territory_id: TERRITORY.region, modules: ['appeals'] },
    { id: ORG.transport, region_id: TEST_REGION, parent_id: ORG.government, name: 'Министерство транспорта', kind: 'executive_body', territory_id: TERRITORY.region, modules: ['appeals'] },
    { id: ORG.district, region_id: TEST_REGION, parent_id: ORG.government, name: 'Администрация Тестового района', kind: 'municipality', territory_id: TERRITORY.district, modules: ['appeals', 'incidents'] },
    { id: ORG.settlement, region_id: TEST_REGION, parent_id: ORG.district, name: 'Администрация села Тестовое', kind: 'settlement', territory_id: TERRITORY.village, modules: ['appeals', 'incidents'] },
    { id: ORG.school, region_id: TEST_REGION, parent_id: ORG.district, name: 'Школа', kind: 'institution', territory_id: TERRITORY.village, modules: ['polls'] },
  ]);
  await db('categories').insert([
    { id: CAT.medicine, region_id: TEST_REGION, parent_id: null, name: 'Медицина' },
    { id: CAT.ambulance, region_id: TEST_REGION, parent_id: CAT.medicine, name: 'Вызов скорой помощи' },
    { id: CAT.roads, region_id: TEST_REGION, parent_id: null, name: 'Дороги' },
    { id: CAT.potholes, region_id: TEST_REGION, parent_id: CAT.roads, name: 'Ямы на дорогах' },
  ]);
  await db('accelerated_subcategories').insert({ subcategory_id: CAT.ambulance, region_id: TEST_REGION, term_days: 10, responsible_organisation_ids: [ORG.ministry] });
  await db('routing_rules').insert([
    { region_id: TEST_REGION, subcategory_id: CAT.ambulance, target: 'organisation', organisation_id: ORG.ministry, priority: 0 },
    { region_id: TEST_REGION, category_id: CAT.roads, target: 'territory', descend: false, priority: 0 },
    { region_id: TEST_REGION, target: 'organisation', organisation_id: ORG.government, priority: 0 },
  ]);
}

/** A subcategory under roads, accelerated to 10 days, that the territory rule sends to the district. */
export const ADVISORY_SUBCATEGORY = 'testland.c.roads.streetlights';

/**
 * Makes the test region advise rather than bind its accelerated terms for local self-government (as
 * Altai does, decree 262 Appendix 2 footnote 1), with one accelerated subcategory that goes to the
 * district: a case of it gets a 10-day advisory target and the 30-day binding term.
 */
export async function addAdvisoryMunicipalTerm(db: Db): Promise<void> {
  await db('regulation_profiles').where({ region_id: TEST_REGION }).update({ municipal_terms_advisory: true });
  await db('categories').insert({ id: ADVISORY_SUBCATEGORY, region_id: TEST_REGION, parent_id: CAT.roads, name: 'Уличное освещение' });
  await db('accelerated_subcategories').insert({ subcategory_id: ADVISORY_SUBCATEGORY, region_id: TEST_REGION, term_days: 10, responsible_organisation_ids: [ORG.district] });
}

export async function createUser(db: Db, user: { role: string; name: string; email?: string; organisation_id?: string; region_id?: string }): Promise<number> {
  const [row] = await db('users').insert(user).returning('id');
  return row.id;
}
