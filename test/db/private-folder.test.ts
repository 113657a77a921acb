// The embedded PostgreSQL in a folder only its user may enter: a clone in a 0700 home or in a
// `mktemp -d` folder. Run as root, PostgreSQL must not need another user to reach the data, and no
// folder's permissions may be changed behind the user's back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../ops/embedded';
import { freePort } from '../support/ports';

describe('embedded PostgreSQL in a private folder', function () {
  this.timeout(120_000);
  let privateDir: string;

  before(() => {
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-private-'));
    assert.equal(fs.statSync(privateDir).mode & 0o777, 0o700, 'mkdtemp makes a 0700 folder');
  });
  after(() => fs.rmSync(privateDir, { recursive: true, force: true }));

  it('initialises, serves UTF-8 text and restarts on its data, leaving the folder private and the files the user’s', async () => {
    const dataDir = path.join(privateDir, 'clone', 'data', 'pg');
    const port = await freePort();
    let pg = await startEmbeddedPostgres(dataDir, port);
    try {
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      await client.query('create table note (text text)');
      await client.query("insert into note values ('Скорая ехала два часа')");
      const { rows } = await client.query("select current_setting('server_encoding') as encoding, upper(text) as text from note");
      await client.end();
      assert.deepEqual(rows, [{ encoding: 'UTF8', text: 'СКОРАЯ ЕХАЛА ДВА ЧАСА' }]);
      await pg.stop();
      pg = await startEmbeddedPostgres(dataDir, port);
      const again = new Client({ connectionString: pg.url });
      await again.connect();
      assert.equal((await again.query('select count(*)::int as n from note')).rows[0].n, 1);
      await again.end();
    } finally {
      await pg.stop();
    }
    assert.equal(fs.statSync(privateDir).mode & 0o777, 0o700, 'the private folder was left as it was');
    assert.equal(fs.statSync(dataDir).uid, os.userInfo().uid, 'the data belongs to the user who started it');
  });

  it('serves the platform over a private Unix socket beside TCP, and removes the socket when it stops', async () => {
    const pg = await startEmbeddedPostgres(path.join(privateDir, 'socket', 'pg'), await freePort());
    let socketDir: string | null;
    try {
      socketDir = new URL(pg.localUrl).searchParams.get('host');
      assert.ok(socketDir && path.isAbsolute(socketDir), `the platform's URL names a socket folder: ${pg.localUrl}`);
      assert.equal(fs.statSync(socketDir).mode & 0o777, 0o700, 'no one else may reach the socket (or put one of their own there)');
      // inet_server_addr() is null on a Unix-socket connection, the server's address on TCP.
      for (const [url, address] of [[pg.localUrl, null], [pg.url, '127.0.0.1/32']] as const) {
        const client = new Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query('select inet_server_addr()::text as address');
        await client.end();
        assert.equal(rows[0].address, address, url);
      }
    } finally {
      await pg.stop();
    }
    assert.equal(fs.existsSync(socketDir), false, 'the socket folder is gone');
  });
});
