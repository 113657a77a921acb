import assert from 'node:assert/strict';
import { createUserWithToken, UserInputError } from '../../domain/identity/users';
import { hashToken } from '../../domain/identity/tokens';
import { userForToken } from '../../domain/identity/authentication';
import type { Db } from '../../db/connection';
import { runUsersCommand, UsageError } from '../../ops/users';
import { ORG, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';

describe('users and tokens (domain/identity/, ops/users.ts)', () => {
  let db: Db;

  before(async () => {
    ({ db } = await freshDatabase('api_users'));
    await createTestRegion(db);
  });

  it('creates a user of each role with a token tied to it', async () => {
    const op = await createUserWithToken(db, { role: 'operator', name: 'Anna', organisationId: ORG.ministry, label: 'laptop' });
    assert.equal(op.user.organisationId, ORG.ministry);
    assert.equal(op.user.regionId, null);
    assert.match(op.token, /^otk_/);
    const row = await db('api_tokens').where({ id: op.tokenId }).first();
    assert.equal(row.token_hash, hashToken(op.token));
    assert.equal(row.label, 'laptop');
    assert.deepEqual(await userForToken(db, op.token), op.user);
    const sup = await createUserWithToken(db, { role: 'supervisor', name: 'CUR', regionId: TEST_REGION });
    assert.equal(sup.user.regionId, TEST_REGION);
  });

  it('rejects wrong role combinations and unknown references', async () => {
    const bad: [Parameters<typeof createUserWithToken>[1], RegExp][] = [
      [{ role: 'operator', name: 'X' }, /needs an organisation/],
      [{ role: 'operator', name: 'X', organisationId: 'nowhere' }, /Unknown organisation "nowhere"/],
      [{ role: 'operator', name: 'X', organisationId: ORG.ministry, regionId: TEST_REGION }, /not a region/],
      [{ role: 'supervisor', name: 'X' }, /needs a region/],
      [{ role: 'supervisor', name: 'X', regionId: 'nowhere' }, /Unknown region "nowhere"/],
      [{ role: 'citizen', name: 'X', organisationId: ORG.ministry }, /has no organisation/],
      [{ role: 'administrator', name: 'X', regionId: TEST_REGION }, /has no region/],
      [{ role: 'citizen', name: ' ' }, /name is required/],
    ];
    const before = Number((await db('users').count('* as n'))[0].n);
    for (const [u, message] of bad) {
      await assert.rejects(createUserWithToken(db, u), (e: unknown) => e instanceof UserInputError && message.test((e as Error).message));
    }
    assert.equal(Number((await db('users').count('* as n'))[0].n), before);
  });

  it('runs the CLI: create, token, list, revoke, with clear errors for bad arguments', async () => {
    const out = await runUsersCommand(db, ['create', '--role', 'operator', '--organisation', ORG.district, '--name', 'Boris', '--email', 'b@example.org']);
    assert.match(out, /Created user \d+: operator of testland.district, Boris/);
    const token = out.trim().split('\n').pop()!;
    const user = await userForToken(db, token);
    assert.equal(user?.name, 'Boris');

    const more = await runUsersCommand(db, ['token', '--user', String(user!.id), '--label', 'SED']);
    assert.match(more, /^Token \d+ for user/);

    const list = await runUsersCommand(db, ['list', '--role', 'operator']);
    assert.match(list, /Boris <b@example.org>/);
    assert.match(list, /"SED"/);

    const tokenId = Number(/Token (\d+)/.exec(out)![1]);
    assert.equal(await runUsersCommand(db, ['revoke', '--token-id', String(tokenId)]), `Revoked token ${tokenId}`);
    assert.equal(await userForToken(db, token), null);

    const usage: [string[], RegExp][] = [
      [['create', '--role', 'operator', '--organisation', 'nowhere', '--name', 'X'], /Unknown organisation "nowhere"/],
      [['create', '--role', 'king', '--name', 'X'], /--role must be one of/],
      [['create', '--role', 'supervisor', '--name', 'X'], /needs a region/],
      [['create', '--name', 'X'], /--role is required/],
      [['create', '--role', 'citizen', '--name', 'X', '--colour', 'red'], /Unknown option '--colour'/],
      [['revoke', '--token-id', 'abc'], /must be a positive integer/],
      [['revoke', '--token-id', String(tokenId)], /revoked already/],
      [['revoke', '--token-id', '999999'], /no token 999999/],
      [['list', '--organisation', 'x'], /list does not take --organisation/],
      [['explode'], /Unknown command "explode"/],
    ];
    for (const [argv, message] of usage) {
      await assert.rejects(runUsersCommand(db, argv), (e: unknown) => (e instanceof UsageError || e instanceof UserInputError) && message.test((e as Error).message), argv.join(' '));
    }
  });
});
