// Secrets never reach the logs: bearer tokens (in the Authorization header or anywhere in a URL),
// Authorization values, and passwords in database URLs. Every line the API logs passes through
// domain/redact.ts; these tests make requests that fail while carrying secrets and search every log line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUserWithToken } from '../../domain/identity/users';
import { hashToken } from '../../domain/identity/tokens';
import { redact, redactingLog, redactText } from '../../domain/redact';
import { startApiServer } from '../../api/server';
import { connect, type Db } from '../../db/connection';
import { call, offlineTemporal } from '../api/helpers';
import { createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { allLogText, startApi } from './support';

describe('security: no secrets in logs', () => {
  let db: Db;
  let url: string;

  before(async () => {
    ({ db, url } = await freshDatabase('security_logs'));
    await createTestRegion(db);
  });

  it('logs a failing request without the bearer token, from the header or from the URL', async () => {
    const { db: broken } = await freshDatabase('security_logs_broken');
    const { token } = await createUserWithToken(broken, { role: 'administrator', name: 'Admin' });
    await broken.schema.dropTable('routing_rules');
    const api = await startApi(broken);
    try {
      // The token is also put where a careless client might: in the query string (a valid ReferenceId).
      const r = await call(api, 'GET', `/routing-rules?regionId=${token}`, { token });
      assert.equal(r.status, 500);
      const text = allLogText(api);
      assert.ok(api.logs.some((l) => l.level === 'error'), 'the failure is logged');
      assert.ok(text.includes('routing_rules'), 'with what went wrong');
      assert.ok(!text.includes(token), 'the token is in the log');
      assert.ok(!text.includes(token.slice(4)), 'part of the token is in the log');
      assert.ok(!text.includes(hashToken(token)), 'the token hash is in the log');
      assert.ok(text.includes('otk_[redacted]'), 'the token was masked where it was');
      assert.ok(!r.text.includes(token.slice(4)), 'the token is echoed in the answer');
    } finally {
      await api.close();
    }
  });

  it('logs nothing of refused tokens', async () => {
    const api = await startApi(db);
    try {
      const guessed = `otk_${'G'.repeat(43)}`;
      for (const authorization of [`Bearer ${guessed}`, 'Basic dXNlcjpzM2NyZXQ=', `Bearer ${guessed} trailing`]) {
        const r = await call(api, 'GET', '/cases', { headers: { authorization } });
        assert.equal(r.status, 401);
      }
      const text = allLogText(api);
      assert.ok(!text.includes(guessed) && !text.includes('dXNlcjpzM2NyZXQ='));
    } finally {
      await api.close();
    }
  });

  // Over TCP (connection refused) and over a Unix socket whose server is not there (no socket file).
  for (const over of ['tcp', 'socket'] as const) it(`logs a database failure without the database password, through the default logger too (${over})`, async () => {
    const secret = 'S3cret-db-Passw0rd';
    const u = new URL(url);
    u.password = secret;
    u.port = '1'; // nothing listens: every query fails
    if (over === 'tcp') {
      u.hostname = '127.0.0.1';
      u.searchParams.delete('host');
    } else {
      u.searchParams.set('host', fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-nosocket-')));
    }
    const unreachable = connect(u.toString(), { max: 1 });
    const lines: string[] = [];
    const original = { log: console.log, warn: console.warn, error: console.error };
    const capture = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); };
    console.log = capture;
    console.warn = capture;
    console.error = capture;
    const server = await startApiServer({ db: unreachable, temporal: offlineTemporal(), taskQueue: 'logs', port: 0, host: '127.0.0.1', recoverIntake: false, rateLimit: false });
    try {
      const { token } = await createUserWithToken(db, { role: 'administrator', name: 'Admin' });
      const res = await fetch(`http://127.0.0.1:${server.port}/regions`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 503, 'an unreachable database is a passing unavailability');
      await res.arrayBuffer();
      const text = lines.join('\n');
      assert.ok(text.length > 0, 'the failure is logged');
      assert.ok(!text.includes(secret), 'the database password is in the log');
      assert.ok(!text.includes(token.slice(4)), 'the token is in the log');
    } finally {
      Object.assign(console, original);
      await server.close();
      await unreachable.destroy();
      if (over === 'socket') fs.rmSync(u.searchParams.get('host')!, { recursive: true, force: true });
    }
  });

  it('masks tokens, Authorization values, URL passwords and secret-named fields (domain/redact.ts)', () => {
    const token = `otk_${'a1B2_-'.repeat(7)}x`;
    assert.equal(redactText(`Authorization: Bearer ${token}`), 'Authorization: Bearer [redacted]');
    assert.equal(redactText(`token ${token} here`), 'token otk_[redacted] here');
    assert.equal(redactText('Basic dXNlcjpwYXNz'), 'Basic [redacted]');
    assert.equal(redactText('postgres://otklik:hunter2@db.example.org:5432/otklik'), 'postgres://otklik:[redacted]@db.example.org:5432/otklik');
    assert.equal(redactText('connect smtps://mailer:p%40ss@smtp.example.org'), 'connect smtps://mailer:[redacted]@smtp.example.org');
    assert.equal(redactText('/x?access_token=abc&password=def&ok=1'), '/x?access_token=[redacted]&password=[redacted]&ok=1');
    assert.equal(redactText('postgres://db.example.org/otklik'), 'postgres://db.example.org/otklik', 'nothing to hide, nothing changed');

    const fields = redact({
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      DATABASE_URL: 'postgres://u:p@h/d',
      nested: [{ error: new Error(`failed for ${token}`) }],
      password: 'x',
      empty: { token: null },
    });
    assert.deepEqual(fields.headers, { authorization: '[redacted]', 'content-type': 'application/json' });
    assert.equal(fields.DATABASE_URL, '[redacted]');
    assert.equal(fields.password, '[redacted]');
    assert.deepEqual(fields.empty, { token: null });
    assert.ok(!JSON.stringify(fields).includes(token));

    const seen: unknown[] = [];
    redactingLog((level, message, f) => seen.push([level, message, f]))('error', `boom ${token}`, { url: 'postgres://a:b@c/d' });
    assert.deepEqual(seen, [['error', 'boom otk_[redacted]', { url: 'postgres://a:[redacted]@c/d' }]]);

    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    assert.deepEqual(redact(cyclic), { a: 1, self: '[…]' });
  });
});
