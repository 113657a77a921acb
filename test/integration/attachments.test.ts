// Attachments through the HTTP API on the real case engine: upload and download round trips of real
// PNG, PDF and text files, the size limit (413, nothing stored, also for a chunked body), content that
// is not what its type says (422), types outside the list (415), who may download (uploader, those who
// see a referencing case; 404 for the rest), and references from appeals and answers (422 naming a
// foreign or unknown id, nothing created).
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createUserWithToken } from '../../domain/identity/users';
import { ATTACHMENT_TYPES } from '../../domain/attachments/attachments';
import { startApiServer } from '../../api/server';
import { loadSpec } from '../../openapi/spec';
import { LocalAttachmentStorage } from '../../domain/attachments/storage';
import type { Db } from '../../db/connection';
import { call, roleTokens, type RoleTokens, type TestApi } from '../api/helpers';
import { CAT, ORG, TERRITORY, TEST_REGION, createTestRegion } from '../support/fixtures';
import { freshDatabase } from '../support/postgres';
import { startEngine, type Engine } from '../security/support';

const MAX_BYTES = 200_000;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A valid 2×2 RGB PNG. */
function png(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}
/** A one-page PDF with a correct cross-reference table. */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 12 Tf 10 50 Td (${text}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? (e as { path?: string }).path ?? '', e.name));
}

describe('attachments: upload, download, and references from appeals and answers', function () {
  this.timeout(180_000);
  let db: Db;
  let api: TestApi;
  let engine: Engine;
  let t: RoleTokens;
  let dir: string;
  let integration: { full: string; writeOnly: string };
  let n = 0;
  const key = () => `attach-${process.pid}-${++n}`;

  const upload = (token: string, body: Buffer | string, contentType: string, opts: { filename?: string; headers?: Record<string, string> } = {}) =>
    call(api, 'POST', `/attachments${opts.filename !== undefined ? `?filename=${encodeURIComponent(opts.filename)}` : ''}`, { token, raw: body, contentType, headers: opts.headers });
  const download = async (token: string, id: string) => {
    const res = await fetch(`${api.url}/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const appeal = (attachments: string[]) => ({
    kind: 'appeal', regionId: TEST_REGION, subcategoryId: CAT.ambulance, territoryId: TERRITORY.village, text: 'Скорая не приехала, фото прилагаю.',
    applicant: { name: 'Иван Петров', email: 'ivan@example.org' }, attachments,
  });
  const count = async (table: string) => Number((await db(table).count('* as n'))[0].n);
  async function nothingStoredBy(action: () => Promise<void>): Promise<void> {
    const rows = await count('attachments');
    const files = filesUnder(dir).length;
    await action();
    assert.equal(await count('attachments'), rows, 'an attachment row was stored');
    assert.equal(filesUnder(dir).length, files, 'a file was stored');
  }

  before(async () => {
    ({ db } = await freshDatabase('attachments'));
    await createTestRegion(db);
    // Registration numbers are workflow ids on the shared dev server: a prefix of this file's own.
    await db('regions').where({ id: TEST_REGION }).update({ number_prefix: '95' });
    t = await roleTokens(db);
    integration = {
      full: (await createUserWithToken(db, { role: 'integration', name: 'СЭД Правительства', organisationId: ORG.government, scopes: ['attachments:write', 'cases:read'] })).token,
      writeOnly: (await createUserWithToken(db, { role: 'integration', name: 'Фотофиксация', organisationId: ORG.government, scopes: ['attachments:write'] })).token,
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-attachments-'));
    engine = await startEngine(db, 'attachments');
    const logs: TestApi['logs'] = [];
    const server = await startApiServer({
      db, temporal: engine.client, taskQueue: engine.taskQueue, port: 0, host: '127.0.0.1', waitMs: 60_000, recoverIntake: false, rateLimit: false,
      attachments: { storage: new LocalAttachmentStorage(dir), maxBytes: MAX_BYTES },
      log: (level, message, fields) => { logs.push({ level, message, fields }); },
    });
    api = { url: `http://127.0.0.1:${server.port}`, server, logs, close: () => server.close() };
  });

  after(async () => {
    await api?.close();
    await engine?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts exactly the media types the spec lists for the upload', () => {
    const op = (loadSpec().paths['/attachments'].post as { requestBody: { content: Record<string, unknown> } });
    assert.deepEqual(Object.keys(op.requestBody.content).sort(), Object.keys(ATTACHMENT_TYPES).sort());
  });

  it('round-trips a PNG: stored with its sha256, downloaded byte for byte with its name, type and nosniff', async () => {
    const image = png();
    const r = await upload(t.citizen, image, 'image/png', { filename: 'яма у дома 5.png' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(r.headers.get('location'), `/attachments/${r.body.id}`);
    assert.deepEqual({ ...r.body, id: undefined, createdAt: undefined }, {
      id: undefined, createdAt: undefined, fileName: 'яма у дома 5.png', contentType: 'image/png', size: image.length, sha256: sha256(image),
    });
    const d = await download(t.citizen, r.body.id);
    assert.equal(d.status, 200);
    assert.deepEqual(d.bytes, image);
    assert.equal(d.headers.get('content-type'), 'image/png');
    assert.equal(d.headers.get('content-length'), String(image.length));
    assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(d.headers.get('content-disposition'), `attachment; filename="___ _ ____ 5.png"; filename*=UTF-8''${encodeURIComponent('яма у дома 5.png')}`);
    const meta = await call(api, 'GET', `/attachments/${r.body.id}/meta`, { token: t.citizen });
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.body, r.body);
  });

  it('takes the name from Content-Disposition, strips paths, and round-trips a PDF and UTF-8 text', async () => {
    const doc = pdf('Act 17');
    const r = await upload(t.ministry, doc, 'application/pdf', { headers: { 'content-disposition': `attachment; filename="act.pdf"; filename*=UTF-8''${encodeURIComponent('..\\акт №17.pdf')}` } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.fileName, 'акт №17.pdf');
    assert.deepEqual((await download(t.ministry, r.body.id)).bytes, doc);
    const text = Buffer.from('Пояснение к обращению.\r\nСтрока 2\n');
    const plain = await upload(t.citizen, text, 'text/plain; charset=utf-8', { filename: '../../etc/passwd' });
    assert.equal(plain.status, 201, plain.text);
    assert.equal(plain.body.fileName, 'passwd');
    assert.equal(plain.body.contentType, 'text/plain; charset=utf-8');
    assert.deepEqual((await download(t.citizen, plain.body.id)).bytes, text);
  });

  it('refuses a body over the limit with 413 and stores nothing, with Content-Length or chunked', async () => {
    await nothingStoredBy(async () => {
      const r = await upload(t.citizen, Buffer.alloc(MAX_BYTES + 1, 'a'), 'text/plain');
      assert.equal(r.status, 413, r.text);
      assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      // Without a length the limit is found while reading.
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent > MAX_BYTES * 2) return controller.close();
          sent += 16_384;
          controller.enqueue(new Uint8Array(16_384).fill(98));
        },
      });
      const res = await fetch(`${api.url}/attachments`, {
        method: 'POST', body, headers: { authorization: `Bearer ${t.citizen}`, 'content-type': 'text/plain' }, duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 413, await res.text());
    });
    // Exactly the limit is accepted.
    assert.equal((await upload(t.citizen, Buffer.alloc(MAX_BYTES, 'a'), 'text/plain')).status, 201);
  });

  it('refuses content that is not what its type says (422), types outside the list (415) and empty bodies (400), storing nothing', async () => {
    await nothingStoredBy(async () => {
      for (const [body, type, what] of [
        [pdf('x'), 'image/png', 'a PDF declared as PNG'],
        [png(), 'image/jpeg', 'a PNG declared as JPEG'],
        [png(), 'text/plain', 'a PNG declared as text'],
        [Buffer.from('just words'), 'application/pdf', 'text declared as PDF'],
        [Buffer.from([0x41, 0x00, 0x42]), 'text/plain', 'text with a NUL byte'],
        [Buffer.from([0xd0, 0x28, 0x41]), 'text/plain', 'text that is not UTF-8'],
        [Buffer.from('PK\u0003\u0004 not really a document'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a broken DOCX'],
      ] as [Buffer, string, string][]) {
        const r = await upload(t.citizen, body, type);
        assert.equal(r.status, 422, `${what}: ${r.status} ${r.text}`);
        assert.equal(r.body.type, 'urn:otklik:problem:unprocessable', what);
      }
      for (const type of ['text/html', 'application/zip', 'image/svg+xml', 'application/x-msdownload']) {
        const r = await upload(t.citizen, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), type);
        assert.equal(r.status, 415, `${type}: ${r.status} ${r.text}`);
      }
      const empty = await upload(t.citizen, Buffer.alloc(0), 'image/png');
      assert.equal(empty.status, 400, empty.text);
    });
  });

  it('returns the first upload for a repeated Idempotency-Key, and refuses the key for other content', async () => {
    const k = key();
    const first = await upload(t.citizen, png(), 'image/png', { headers: { 'idempotency-key': k } });
    assert.equal(first.status, 201);
    await nothingStoredBy(async () => {
      const again = await upload(t.citizen, png(), 'image/png', { headers: { 'idempotency-key': k } });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      const other = await upload(t.citizen, pdf('other'), 'application/pdf', { headers: { 'idempotency-key': k } });
      assert.equal(other.status, 422);
      assert.equal(other.body.type, 'urn:otklik:problem:idempotency-key-reused');
    });
  });

  it("hides someone else's attachment (404), and unknown or malformed ids alike", async () => {
    const mine = await upload(t.citizen, png(), 'image/png');
    for (const token of [t.otherCitizen, t.ministry, t.supervisor, integration.full]) {
      const d = await download(token, mine.body.id);
      assert.equal(d.status, 404);
      assert.equal((await call(api, 'GET', `/attachments/${mine.body.id}/meta`, { token })).status, 404);
    }
    assert.equal((await download(t.citizen, randomUUID())).status, 404);
    assert.equal((await download(t.citizen, 'not-an-id')).status, 404);
    assert.equal((await call(api, 'GET', `/attachments/${mine.body.id}`)).status, 401);
  });

  let caseId: string;
  let photo: string;

  it('lets the handling organisation, the supervisor and integration clients with cases:read download what an appeal references', async () => {
    photo = (await upload(t.citizen, png(), 'image/png', { filename: 'скорая.png' })).body.id;
    const k = key();
    const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': k }, body: appeal([photo]) });
    assert.equal(r.status, 201, r.text);
    caseId = r.body.id;
    assert.equal(r.body.organisationId, ORG.ministry);
    const again = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': k }, body: appeal([photo]) });
    assert.equal(again.body.id, caseId);
    assert.deepEqual(await db('case_attachments').where({ attachment_id: photo }).select('case_id', 'referenced_in'), [{ case_id: caseId, referenced_in: 'appeal' }]);

    for (const token of [t.ministry, t.supervisor, t.admin, integration.full, t.citizen]) assert.equal((await download(token, photo)).status, 200);
    for (const token of [t.district, t.otherCitizen, integration.writeOnly]) assert.equal((await download(token, photo)).status, 404);
  });

  it('refuses an appeal referencing a foreign or unknown attachment with 422 naming it, creating no case', async () => {
    const foreign = (await upload(t.otherCitizen, png(), 'image/png')).body.id;
    const unknown = randomUUID();
    const intake = await count('case_intake');
    const counter = await db('registration_counters').where({ region_id: TEST_REGION }).first();
    for (const ids of [[photo, foreign], [unknown]]) {
      const r = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal(ids) });
      assert.equal(r.status, 422, r.text);
      const bad = ids[ids.length - 1];
      assert.match(r.body.detail, new RegExp(bad));
      assert.deepEqual(r.body.errors, [{ in: 'body', path: `/attachments/${ids.length - 1}`, message: `unknown attachment ${bad}` }]);
    }
    assert.equal(await count('case_intake'), intake);
    assert.deepEqual(await db('registration_counters').where({ region_id: TEST_REGION }).first(), counter);
    assert.equal((await download(t.citizen, foreign)).status, 404, 'a refused reference grants nothing');
    const malformed = await call(api, 'POST', '/appeals', { token: t.citizen, headers: { 'idempotency-key': key() }, body: appeal(['photo-1.jpg']) });
    assert.equal(malformed.status, 400);
  });

  it("answers with the organisation's files only; the applicant then downloads them", async () => {
    const citizensOwn = (await upload(t.otherCitizen, pdf('not theirs'), 'application/pdf')).body.id;
    const refused = await call(api, 'POST', `/cases/${caseId}/answer`, { token: t.ministry, body: { text: 'Проверка проведена.', attachments: [citizensOwn] } });
    assert.equal(refused.status, 422, refused.text);
    assert.equal((await call(api, 'GET', `/cases/${caseId}`, { token: t.ministry })).body.status, 'registered');

    // Uploaded by a colleague of the same organisation.
    const colleague = (await createUserWithToken(db, { role: 'operator', name: 'Второй оператор', organisationId: ORG.ministry })).token;
    const act = (await upload(colleague, pdf('Act 17'), 'application/pdf', { filename: 'акт.pdf' })).body.id;
    const answered = await call(api, 'POST', `/cases/${caseId}/answer`, { token: t.ministry, body: { text: 'Проверка проведена.', attachments: [act] } });
    assert.equal(answered.status, 200, answered.text);
    assert.deepEqual(answered.body.answer.attachments, [act]);
    const d = await download(t.citizen, act);
    assert.equal(d.status, 200);
    assert.equal(d.headers.get('content-type'), 'application/pdf');
    assert.equal((await download(t.otherCitizen, act)).status, 404);
  });

  it('lets integration clients upload with attachments:write and read their own uploads', async () => {
    const r = await upload(integration.writeOnly, pdf('scan'), 'application/pdf', { filename: 'scan.pdf' });
    assert.equal(r.status, 201, r.text);
    assert.equal((await download(integration.writeOnly, r.body.id)).status, 200);
    const noScope = (await createUserWithToken(db, { role: 'integration', name: 'Только чтение', organisationId: ORG.government, scopes: ['cases:read'] })).token;
    assert.equal((await upload(noScope, png(), 'image/png')).status, 403);
  });

  it('logged no warnings or errors', () => {
    assert.deepEqual(api.logs.filter((l) => l.level !== 'info'), []);
  });
});
