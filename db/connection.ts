import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type Db = Knex;

export function connect(databaseUrl: string, pool: { min?: number; max?: number } = {}): Db {
  return knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
  });
}

export const migrationsDirectory = path.join(__dirname, 'migrations');

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({ directory: migrationsDirectory, loadExtensions: ['.ts', '.js'] });
}
