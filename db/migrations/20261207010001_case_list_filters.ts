import type { Knex } from 'knex';

// The case list's drill-down filters (issue 13: from a monitoring figure to its cases): a region's cases
// registered in a period, the cases of a territory (and, walking territories.parent_id, of every
// territory inside it). The organisation filters already have cases (organisation_id, status) and
// organisations (parent_id); the channel only narrows what these select.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index cases_region_registered on cases (region_id, registered_at)');
  await knex.raw('create index cases_territory on cases (territory_id)');
  await knex.raw('create index territories_parent on territories (parent_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists territories_parent');
  await knex.raw('drop index if exists cases_territory');
  await knex.raw('drop index if exists cases_region_registered');
}
