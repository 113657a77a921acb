import type { Knex } from 'knex';

// Reference data: regions, their regulation profiles, territories, organisations, the classifier and
// routing rules. Ids of reference rows are stable text codes (`altai`, `altai.minzdrav`) so that the
// seed files under db/seeds/ can be re-applied as upserts and read by people.
export async function up(knex: Knex): Promise<void> {
  await createRegions(knex);
  await createRegulationProfiles(knex);
  await createTerritories(knex);
  await createOrganisations(knex);
  await createCategories(knex);
  await createAcceleratedSubcategories(knex);
  await createRoutingRules(knex);
}

async function createRegions(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('time_zone').notNullable(); // IANA name, e.g. Asia/Barnaul
    t.text('number_prefix').notNullable(); // used in registration numbers, e.g. '22'
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

// One regulation profile per region: every term and threshold an appeal workflow obeys.
async function createRegulationProfiles(knex: Knex): Promise<void> {
  await knex.schema.createTable('regulation_profiles', (t) => {
    t.text('region_id').primary().references('regions.id').onDelete('CASCADE');
    t.integer('default_term_days').notNullable().defaultTo(30);
    t.text('day_kind').notNullable().defaultTo('calendar'); // calendar | working
    t.boolean('municipal_terms_advisory').notNullable().defaultTo(false);
    t.integer('negative_rating_threshold').notNullable().defaultTo(2);
    t.integer('rating_window_days').notNullable().defaultTo(10);
    t.specificType('reminder_offsets_days', 'integer[]').notNullable().defaultTo('{3,1}');
    t.integer('extension_max_days').notNullable().defaultTo(30);
    // Production calendar for working-day terms: { holidays: ['2026-01-01', ...], workingWeekends: [...] }
    t.jsonb('calendar').notNullable().defaultTo(JSON.stringify({ holidays: [], workingWeekends: [] }));
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

async function createTerritories(knex: Knex): Promise<void> {
  await knex.schema.createTable('territories', (t) => {
    t.text('id').primary();
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.text('parent_id').references('territories.id');
    t.text('name').notNullable();
    t.text('kind').notNullable(); // region | municipal_district | municipal_okrug | city_district | settlement
    t.index(['region_id']);
  });
}

async function createOrganisations(knex: Knex): Promise<void> {
  await knex.schema.createTable('organisations', (t) => {
    t.text('id').primary();
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.text('parent_id').references('organisations.id');
    t.text('name').notNullable();
    t.text('kind').notNullable(); // executive_body | municipality | settlement | institution
    t.text('territory_id').references('territories.id');
    // Modules of Appendix 4: appeals, incidents, polls, discussions_votes, official_pages
    t.specificType('modules', 'text[]').notNullable().defaultTo('{appeals}');
    t.boolean('active').notNullable().defaultTo(true);
    t.index(['region_id']);
    t.index(['parent_id']);
  });
}

// Classifier: a category has parent_id null, a subcategory has its category as parent.
async function createCategories(knex: Knex): Promise<void> {
  await knex.schema.createTable('categories', (t) => {
    t.text('id').primary();
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.text('parent_id').references('categories.id');
    t.text('name').notNullable();
    t.index(['region_id']);
  });
}

// Accelerated track: subcategory -> shorter term and the bodies responsible for it.
async function createAcceleratedSubcategories(knex: Knex): Promise<void> {
  await knex.schema.createTable('accelerated_subcategories', (t) => {
    t.text('subcategory_id').primary().references('categories.id').onDelete('CASCADE');
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.integer('term_days').notNullable();
    t.specificType('responsible_organisation_ids', 'text[]').notNullable().defaultTo('{}');
    // true where the responsible body is "ОМСУ": the municipality of the case's territory
    t.boolean('responsible_municipality').notNullable().defaultTo(false);
  });
}

// Routing rules: (region, category, subcategory, territory) -> organisation. Null fields match anything;
// target 'territory' sends the case to the municipality of the case's territory; descend sends it down
// to the lowest participant under the chosen one that serves the case's territory.
async function createRoutingRules(knex: Knex): Promise<void> {
  await knex.schema.createTable('routing_rules', (t) => {
    t.increments('id').primary();
    t.text('region_id').notNullable().references('regions.id').onDelete('CASCADE');
    t.text('category_id').references('categories.id').onDelete('CASCADE');
    t.text('subcategory_id').references('categories.id').onDelete('CASCADE');
    t.text('territory_id').references('territories.id').onDelete('CASCADE');
    t.text('target').notNullable().defaultTo('organisation'); // organisation | territory
    t.text('organisation_id').references('organisations.id').onDelete('CASCADE');
    t.boolean('descend').notNullable().defaultTo(false);
    t.integer('priority').notNullable().defaultTo(0);
    t.text('note');
    // Set on rules loaded from db/seeds/: re-loading the seeds never duplicates or clobbers them.
    t.text('seed_key').unique();
    t.index(['region_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['routing_rules', 'accelerated_subcategories', 'categories', 'organisations', 'territories', 'regulation_profiles', 'regions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
