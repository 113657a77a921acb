import type { Knex } from 'knex';

// Where a reported problem is, as coordinates (WGS 84), and a link to a photo or video hosted elsewhere:
// core fields of Open311 reports and of map-based citizen forms. Both are given at submission and never
// change afterwards.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.double('latitude');
    t.double('longitude');
    t.text('media_url');
  });
  await knex.raw(`alter table cases add constraint cases_location_pair check ((latitude is null) = (longitude is null))`);
  await knex.raw(`alter table cases add constraint cases_location_range check (latitude between -90 and 90 and longitude between -180 and 180)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table cases drop constraint if exists cases_location_range');
  await knex.raw('alter table cases drop constraint if exists cases_location_pair');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('latitude');
    t.dropColumn('longitude');
    t.dropColumn('media_url');
  });
}
