// The embedded provider's PostgreSQL store (ops/oidc-provider-store.ts) behaves as oidc-provider's
// adapter contract says: find by id, uid and user code; consumed flag; expiry; revoke by grant; and it
// is shared by two provider instances (a restart), which the in-memory default is not.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import { postgresOidcAdapter } from '../../ops/oidc-provider-store';
import { freshDatabase } from '../support/postgres';

describe('embedded OIDC provider: its PostgreSQL store', () => {
  let db: Db;
  before(async () => {
    ({ db } = await freshDatabase('oidc_store'));
  });

  it('finds what it keeps by id, uid and user code, per model, and across instances', async () => {
    const Store = postgresOidcAdapter(db);
    const sessions = new Store('Session');
    await sessions.upsert('s1', { accountId: 'maria', uid: 'u1', kind: 'Session' }, 3600);
    const afterRestart = new (postgresOidcAdapter(db))('Session');
    assert.deepEqual(await afterRestart.find('s1'), { accountId: 'maria', uid: 'u1', kind: 'Session' });
    assert.equal((await afterRestart.findByUid('u1'))?.accountId, 'maria');
    assert.equal(await new Store('Interaction').find('s1'), undefined, 'models do not mix');
    await new Store('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH' }, 600);
    assert.deepEqual(await new Store('DeviceCode').findByUserCode('ABCD-EFGH'), { userCode: 'ABCD-EFGH' });
    // An upsert replaces the payload.
    await sessions.upsert('s1', { accountId: 'maria', uid: 'u1', kind: 'Session', loginTs: 17 }, 3600);
    assert.equal((await sessions.find('s1'))?.loginTs, 17);
  });

  it('marks a consumed code, forgets expired and destroyed entries, and revokes a grant\'s entries', async () => {
    const Store = postgresOidcAdapter(db);
    const codes = new Store('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', accountId: 'maria' }, 60);
    assert.equal((await codes.find('c1'))?.consumed, undefined);
    await codes.consume('c1');
    const consumed = (await codes.find('c1'))?.consumed;
    assert.ok(typeof consumed === 'number' && Math.abs(consumed - Date.now() / 1000) < 60, String(consumed));

    await codes.upsert('c2', { grantId: 'g2' }, 60);
    await db('oidc_provider_store').where({ id: 'c2' }).update({ expires_at: new Date(Date.now() - 1000) });
    assert.equal(await codes.find('c2'), undefined, 'expired');

    const tokens = new Store('AccessToken');
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await codes.revokeByGrantId('g1');
    assert.equal(await codes.find('c1'), undefined);
    assert.equal(await tokens.find('t1'), undefined, 'every model of the grant');

    await tokens.upsert('t2', { grantId: 'g3' });
    assert.ok(await tokens.find('t2'), 'no expiry: kept');
    await tokens.destroy('t2');
    assert.equal(await tokens.find('t2'), undefined);
    assert.equal(Number((await db('oidc_provider_store').where({ id: 'c2' }).count('* as n'))[0].n), 0, 'expired rows are swept');
  });
});
