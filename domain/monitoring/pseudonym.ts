// Pseudonyms of applicants in monitoring reports (returning cases): a keyed HMAC-SHA-256 of the
// applicant's key (account id or e-mail), so that the same applicant has the same pseudonym in every
// report of a region, and no one without the key can test a guessed id or address against it (an
// unkeyed hash of a user id or e-mail is reversed by hashing the guesses). The key is
// OTKLIK_PSEUDONYM_SECRET (domain/config/pseudonym.ts) or, unset, a random one generated on first use and
// kept in platform_secrets, the same for every process.
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';

const SECRET_NAME = 'applicant-pseudonym';

/** A pseudonym of an applicant, the same in every report of the region for one key. Deterministic. */
export function applicantRef(key: string, regionId: string, applicantKey: string): string {
  return createHmac('sha256', key).update(`otklik:applicant:${regionId}:${applicantKey}`).digest('hex').slice(0, 12);
}

const kept = new WeakMap<Db, Promise<string>>();

/** The database's generated key: inserted once (the first of concurrent processes wins), then read. */
async function storedKey(db: Db): Promise<string> {
  await db('platform_secrets').insert({ name: SECRET_NAME, value: randomBytes(32).toString('hex') }).onConflict('name').ignore();
  const row = await db('platform_secrets').where({ name: SECRET_NAME }).first('value');
  return row.value as string;
}

/** The pseudonyms' key: the configured one, else the database's (generated on first use, cached per handle). */
export function pseudonymKey(db: Db, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return Promise.resolve(configured);
  let key = kept.get(db);
  if (!key) {
    key = storedKey(db);
    kept.set(db, key);
    key.catch(() => kept.delete(db));
  }
  return key;
}
