import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadSeeds, readSeeds, seedsDirectory, SeedError } from '../../db/seed';
import type { Db } from '../../db/connection';
import { freshDatabase } from '../support/postgres';

const TABLES = ['regions', 'regulation_profiles', 'territories', 'organisations', 'categories', 'accelerated_subcategories', 'routing_rules'] as const;

async function tableCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const [{ n }] = await db(t).count<{ n: string }[]>({ n: '*' });
    out[t] = Number(n);
  }
  return out;
}

async function count(db: Db, table: string, where: Record<string, unknown>): Promise<number> {
  const [{ n }] = await db(table).where(where).count<{ n: string }[]>({ n: '*' });
  return Number(n);
}

function copySeeds(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-seeds-'));
  fs.cpSync(seedsDirectory, dir, { recursive: true });
  return dir;
}

describe('db/seed: regional reference data', () => {
  let db: Db;
  const tmpDirs: string[] = [];

  before(async () => {
    ({ db } = await freshDatabase('seed'));
  });

  after(() => {
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('loads the three regions with their profiles', async () => {
    const summary = await loadSeeds(db);
    assert.equal(summary.regions, 3);
    assert.deepEqual(summary.inserted.regions, 3);

    const regions = await db('regions').orderBy('id').select('id', 'name', 'time_zone', 'number_prefix');
    assert.deepEqual(regions, [
      { id: 'altai', name: 'Алтайский край', time_zone: 'Asia/Barnaul', number_prefix: '22' },
      { id: 'astrakhan', name: 'Астраханская область', time_zone: 'Europe/Astrakhan', number_prefix: '30' },
      { id: 'khabarovsk', name: 'Хабаровский край', time_zone: 'Asia/Vladivostok', number_prefix: '27' },
    ]);

    const profiles = await db('regulation_profiles').orderBy('region_id');
    assert.equal(profiles.length, 3);
    for (const p of profiles) {
      assert.equal(p.default_term_days, 30);
      assert.equal(p.day_kind, 'calendar');
      assert.equal(p.negative_rating_threshold, 2);
      assert.equal(p.rating_window_days, 10);
      assert.deepEqual(p.reminder_offsets_days, [3, 1]);
      assert.equal(p.extension_max_days, 30);
      assert.deepEqual(p.calendar, { holidays: [], workingWeekends: [] });
      // 000 Appendix 2 footnote 1: advisory terms for municipalities in Altai only
      assert.equal(p.municipal_terms_advisory, p.region_id === 'altai', p.region_id);
    }

    // every region has exactly one root organisation and one region territory
    for (const region of ['altai', 'khabarovsk', 'astrakhan']) {
      assert.equal(await count(db, 'organisations', { region_id: region, parent_id: null }), 1, region);
      assert.equal(await count(db, 'territories', { region_id: region, kind: 'region' }), 1, region);
    }
  });

  it('Khabarovsk: exactly 102 accelerated subcategories of 003, all 10 days', async () => {
    const rows = await db('accelerated_subcategories').where({ region_id: 'khabarovsk' });
    assert.equal(rows.length, 102);
    assert.ok(rows.every((r) => r.term_days === 10));
    // every accelerated row is a subcategory (has a category as parent); the others are the general classifier's
    const subs = await db('categories').where({ region_id: 'khabarovsk' }).whereNotNull('parent_id').pluck('id');
    assert.ok(rows.every((r) => subs.includes(r.subcategory_id)));
    assert.equal(subs.length, 102 + 37);
    assert.equal(await count(db, 'categories', { region_id: 'khabarovsk', parent_id: null }), 21 + 4);
    const hotMeals = await db('categories').where({ parent_id: 'khabarovsk.c.school_meals' }).pluck('name');
    assert.equal(hotMeals.length, 4);
    assert.ok(hotMeals.includes('не устраивает качество питания'));
  });

  it('Altai: the 36 participants of Appendix 4, plus the root, the appeals coordinator of 001 and 69 administrations', async () => {
    const orgs = await db('organisations').where({ region_id: 'altai' }).orderBy('id');
    assert.equal(orgs.length, 38 + 69);
    // the file marks each Appendix 4 participant with its row number
    const file = parse(fs.readFileSync(path.join(seedsDirectory, 'altai', 'organisations.yaml'), 'utf8')) as {
      organisations: { id: string; source?: string }[];
    };
    const appendix4 = file.organisations.filter((o) => /^000 Appendix 4, № \d+$/.test(o.source ?? ''));
    assert.equal(appendix4.length, 36);
    assert.deepEqual(
      appendix4.map((o) => Number(o.source!.split('№ ')[1])),
      Array.from({ length: 36 }, (_, i) => i + 1),
    );
    const extra = orgs.map((o) => o.id).filter((id) => !appendix4.some((a) => a.id === id) && !id.startsWith('altai.adm.'));
    assert.deepEqual(extra.sort(), ['altai.dep_doc', 'altai.government']);

    const root = orgs.find((o) => o.parent_id === null)!;
    assert.equal(root.id, 'altai.government');
    assert.equal(root.name, 'Правительство Алтайского края');

    const byId = new Map(orgs.map((o) => [o.id, o]));
    assert.equal(byId.get('altai.minzdrav')!.name, 'Министерство здравоохранения Алтайского края');
    assert.deepEqual(byId.get('altai.minzdrav')!.modules, ['appeals', 'incidents', 'polls', 'official_pages']);
    assert.deepEqual(byId.get('altai.upravdelami')!.modules, ['polls']); // № 21: «проведение опросов» only
    assert.deepEqual(byId.get('altai.mfc')!.modules, ['appeals']); // № 30
    assert.ok(byId.get('altai.omsu')!.modules.includes('discussions_votes')); // № 33
    assert.equal(byId.get('altai.omsu')!.kind, 'municipality');
    assert.equal(byId.get('altai.omsu_poseleniya')!.parent_id, 'altai.omsu');
    assert.equal(byId.get('altai.med_orgs')!.parent_id, 'altai.minzdrav');
  });

  it('Altai: Appendix 2 with 10- and 7-day terms, ОМСУ as the municipality of the territory', async () => {
    const acc = await db('accelerated_subcategories').where({ region_id: 'altai' });
    assert.equal(acc.length, 41);
    assert.equal(acc.filter((a) => a.term_days === 7).length, 21);
    assert.equal(acc.filter((a) => a.term_days === 10).length, 20);

    const get = (id: string) => acc.find((a) => a.subcategory_id === id)!;
    assert.equal(get('altai.c.vaccination_covid.refusal').term_days, 7);
    assert.deepEqual(get('altai.c.medicine.ambulance'), {
      subcategory_id: 'altai.c.medicine.ambulance',
      region_id: 'altai',
      term_days: 10,
      responsible_organisation_ids: ['altai.minzdrav'],
      responsible_municipality: false,
    });
    assert.deepEqual(get('altai.c.water.outage').responsible_organisation_ids, []);
    assert.equal(get('altai.c.water.outage').responsible_municipality, true);
    // «Министерство транспорта Алтайского края, ОМСУ»
    assert.deepEqual(get('altai.c.roads.snow').responsible_organisation_ids, ['altai.mintrans']);
    assert.equal(get('altai.c.roads.snow').responsible_municipality, true);
    assert.deepEqual(get('altai.c.child_payments_3_7.all').responsible_organisation_ids, ['altai.minsoczashchity', 'altai.uszn']);

    const rules = await db('routing_rules').where({ region_id: 'altai' });
    const rule = (key: string) => rules.find((r) => r.seed_key === key)!;
    assert.equal(rule('altai.r.medicine.ambulance').organisation_id, 'altai.minzdrav');
    assert.equal(rule('altai.r.medicine.ambulance').category_id, 'altai.c.medicine');
    assert.equal(rule('altai.r.water.outage').target, 'territory');
    assert.equal(rule('altai.r.water.outage').organisation_id, null);
    assert.equal(rule('altai.r.roads.snow').organisation_id, 'altai.mintrans');
    const fallback = rule('altai.r.fallback');
    assert.equal(fallback.category_id, null);
    assert.equal(fallback.organisation_id, 'altai.dep_doc');

    // 002: the districts and city okrugs it names
    const territories = await db('territories').where({ region_id: 'altai' }).orderBy('id').pluck('name');
    assert.ok(territories.includes('Кулундинский район'));
    assert.ok(territories.includes('город Славгород'));
  });

  it('Altai: 59 municipal districts and 10 city okrugs, each with its own administration', async () => {
    const territories = await db('territories').where({ region_id: 'altai' });
    assert.equal(territories.filter((t) => t.kind === 'municipal_district').length, 59);
    assert.equal(territories.filter((t) => t.kind === 'city_district').length, 10);
    assert.equal(new Set(territories.map((t) => t.name)).size, territories.length);
    const administrations = await db('organisations').where({ region_id: 'altai' }).whereLike('id', 'altai.adm.%');
    assert.equal(administrations.length, 69);
    for (const t of territories.filter((x) => x.kind !== 'region')) {
      const own = administrations.filter((o) => o.territory_id === t.id);
      assert.equal(own.length, 1, t.id);
      assert.equal(own[0].kind, 'municipality');
      assert.deepEqual(own[0].modules, ['appeals']);
    }
    const kulunda = administrations.find((o) => o.territory_id === 'altai.t.kulundinsky')!;
    assert.equal(kulunda.name, 'Администрация Кулундинского района Алтайского края');
    assert.equal((await db('territories').where({ id: 'altai.t.novoaltaysk' }).first()).name, 'город Новоалтайск');
  });

  it('every region has ordinary subcategories on the general subjects, none of them accelerated', async () => {
    for (const region of ['altai', 'khabarovsk', 'astrakhan']) {
      const ordinary = await db('categories as c')
        .leftJoin('accelerated_subcategories as a', 'a.subcategory_id', 'c.id')
        .where('c.region_id', region).whereNotNull('c.parent_id').whereNull('a.subcategory_id').pluck('c.id');
      for (const subject of ['roads', 'housing', 'medicine', 'education', 'social', 'transport', 'culture', 'sport', 'safety', 'other']) {
        assert.ok(ordinary.some((id: string) => id.startsWith(`${region}.c.${subject}.`)), `${region}: ${subject}`);
      }
      assert.ok(ordinary.some((id: string) => /\.c\.(amenities|landscaping)\./.test(id)), `${region}: amenities`);
      assert.ok(ordinary.some((id: string) => id.startsWith(`${region}.c.ecology.`)), `${region}: ecology`);
    }
  });

  it('every region has exactly one fallback rule, to an organisation', async () => {
    for (const region of ['altai', 'khabarovsk', 'astrakhan']) {
      const fallbacks = await db('routing_rules').where({ region_id: region }).whereNull('category_id').whereNull('subcategory_id').whereNull('territory_id');
      assert.equal(fallbacks.length, 1, region);
      assert.equal(fallbacks[0].target, 'organisation');
      assert.ok(fallbacks[0].organisation_id);
    }
  });

  it('loading again changes no counts', async () => {
    const before = await tableCounts(db);
    const summary = await loadSeeds(db);
    assert.deepEqual(summary.inserted, { regions: 0, territories: 0, organisations: 0, categories: 0, acceleratedSubcategories: 0, routingRules: 0 });
    assert.deepEqual(await tableCounts(db), before);
    assert.deepEqual(before, {
      regions: 3,
      regulation_profiles: 3,
      territories: 70 + 2 + 2,
      organisations: 107 + 13 + 11,
      categories: 110 + 164 + 61,
      accelerated_subcategories: 41 + 102,
      routing_rules: 60 + 30 + 16,
    });
  });

  it('keeps an administrator\'s edits on reload and adds entries new in the files', async () => {
    await db('regulation_profiles').where({ region_id: 'altai' }).update({ default_term_days: 25 });
    await db('organisations').where({ id: 'altai.minzdrav' }).update({ name: 'Минздрав (изменено)', active: false });
    await db('accelerated_subcategories').where({ subcategory_id: 'altai.c.gas.restore' }).update({ term_days: 5 });
    await db('routing_rules').where({ seed_key: 'altai.r.fallback' }).update({ organisation_id: 'altai.cur' });

    const dir = copySeeds();
    tmpDirs.push(dir);
    const orgFile = path.join(dir, 'astrakhan', 'organisations.yaml');
    fs.appendFileSync(
      orgFile,
      ['', '  - id: astrakhan.test_new', '    name: Новый участник', '    kind: institution', '    parent: astrakhan.government', '    modules: [appeals]', ''].join('\n'),
    );
    const summary = await loadSeeds(db, dir);
    assert.equal(summary.inserted.organisations, 1);
    assert.equal(summary.inserted.regions, 0);

    assert.equal((await db('regulation_profiles').where({ region_id: 'altai' }).first()).default_term_days, 25);
    const minzdrav = await db('organisations').where({ id: 'altai.minzdrav' }).first();
    assert.equal(minzdrav.name, 'Минздрав (изменено)');
    assert.equal(minzdrav.active, false);
    assert.equal((await db('accelerated_subcategories').where({ subcategory_id: 'altai.c.gas.restore' }).first()).term_days, 5);
    assert.equal((await db('routing_rules').where({ seed_key: 'altai.r.fallback' }).first()).organisation_id, 'altai.cur');
    assert.equal((await db('organisations').where({ id: 'astrakhan.test_new' }).first()).parent_id, 'astrakhan.government');
  });

  it('a broken seed folder fails naming the file and the entry, and writes nothing', async () => {
    const { db: empty } = await freshDatabase('seed_broken');
    const dir = copySeeds();
    tmpDirs.push(dir);
    const file = path.join(dir, 'khabarovsk', 'organisations.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('parent: khabarovsk.government\n', 'parent: khabarovsk.no_such_body\n'));

    await assert.rejects(loadSeeds(empty, dir), (err: unknown) => {
      assert.ok(err instanceof SeedError);
      assert.match(err.message, /khabarovsk\/organisations\.yaml: organisation "khabarovsk\.mincifry": unknown organisation "khabarovsk\.no_such_body" in "parent"/);
      return true;
    });
    assert.deepEqual(await tableCounts(empty), Object.fromEntries(TABLES.map((t) => [t, 0])));
  });

  it('reports every kind of bad entry, all at once', () => {
    const dir = copySeeds();
    tmpDirs.push(dir);
    const edit = (rel: string, from: string, to: string) => {
      const f = path.join(dir, rel);
      const text = fs.readFileSync(f, 'utf8');
      assert.ok(text.includes(from), `${rel} contains ${from}`);
      fs.writeFileSync(f, text.replace(from, to));
    };
    edit('altai/region.yaml', 'timeZone: Asia/Barnaul', 'timeZone: Asia/Nowhere');
    edit('astrakhan/territories.yaml', 'kind: city_district', 'kind: city');
    edit('altai/organisations.yaml', 'modules: [appeals, incidents, polls, official_pages]', 'modules: [appeals, gossip]');
    edit('altai/organisations.yaml', '  - id: altai.minkult', '  - id: altai.minzdrav');
    edit('altai/classifier.yaml', 'responsible: [altai.mintrans]', 'responsible: [altai.mintrans, altai.ghost]');
    edit('khabarovsk/routing.yaml', 'organisation: khabarovsk.gu_obrashcheniya', 'organisation: altai.minzdrav');

    assert.throws(() => readSeeds(dir), (err: unknown) => {
      assert.ok(err instanceof SeedError);
      const m = err.message;
      assert.match(m, /altai\/region\.yaml: region: unknown time zone "Asia\/Nowhere"/);
      assert.match(m, /astrakhan\/territories\.yaml: territory "astrakhan\.t\.astrakhan": bad "kind" "city"/);
      assert.match(m, /altai\/organisations\.yaml: organisation "altai\.minzdrav": unknown module "gossip"/);
      assert.match(m, /altai\/organisations\.yaml: organisation "altai\.minzdrav": duplicate organisation id "altai\.minzdrav"/);
      assert.match(m, /altai\/classifier\.yaml: subcategory "altai\.c\.roads\.snow" of "altai\.c\.roads", accelerated: unknown organisation "altai\.ghost" in "responsible"/);
      assert.match(m, /khabarovsk\/routing\.yaml: rule "khabarovsk\.r\.fallback": organisation "altai\.minzdrav" in "organisation" belongs to region "altai"/);
      return true;
    });
  });
});
