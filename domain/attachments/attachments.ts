// Attachments: files (photos, scans, documents) uploaded on their own and then referenced by id from an
// appeal or an answer. Upload: the body is spooled to a temporary file while its size is limited and its
// sha256 computed, its content is checked against the declared type (magic bytes, via file-type), and
// only then is it put into the attachment storage (domain/attachments/storage.ts) and recorded. Download: the uploader,
// and whoever may see a case that references the file.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { Db } from '../../db/connection';
import type { AuthUser } from '../identity/users';
import { scopeCases } from '../cases/access';
import { HttpProblem, PROBLEM, problems } from '../problem';
import type { AttachmentStorage } from './storage';

/**
 * The media types an attachment may have, with the types content sniffing (file-type) may report for
 * them. null: no magic bytes (plain text), checked as UTF-8 text instead. The request body types of
 * POST /attachments in openapi/openapi.yaml are exactly these (test/integration/attachments.test.ts).
 */
export const ATTACHMENT_TYPES: Record<string, { sniffed: string[] | null; extension: string }> = {
  'image/jpeg': { sniffed: ['image/jpeg'], extension: 'jpg' },
  'image/png': { sniffed: ['image/png'], extension: 'png' },
  'image/webp': { sniffed: ['image/webp'], extension: 'webp' },
  'image/heic': { sniffed: ['image/heic', 'image/heif'], extension: 'heic' },
  'image/heif': { sniffed: ['image/heif', 'image/heic'], extension: 'heif' },
  'application/pdf': { sniffed: ['application/pdf'], extension: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    sniffed: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'], extension: 'docx',
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    sniffed: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], extension: 'xlsx',
  },
  'application/vnd.oasis.opendocument.text': { sniffed: ['application/vnd.oasis.opendocument.text'], extension: 'odt' },
  'application/vnd.oasis.opendocument.spreadsheet': { sniffed: ['application/vnd.oasis.opendocument.spreadsheet'], extension: 'ods' },
  'text/plain': { sniffed: null, extension: 'txt' },
};

export interface AttachmentRow {
  id: string;
  storage_key: string;
  file_name: string;
  content_type: string;
  size_bytes: string | number;
  sha256: string;
  uploaded_by: number;
  idempotency_key: string | null;
  created_at: Date;
}

export interface AttachmentInfo {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export function attachmentInfo(row: AttachmentRow): AttachmentInfo {
  return {
    id: row.id, fileName: row.file_name, contentType: row.content_type, size: Number(row.size_bytes), sha256: row.sha256.trim(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A file name as given by the client, made safe to store and to send back in Content-Disposition. */
export function cleanFileName(raw: string | undefined, contentType: string): string {
  // Only the last path segment; no control characters, quotes or separators anywhere.
  let name = (raw ?? '').split(/[/\\]/).pop() ?? '';
  name = name.normalize('NFC').replace(/[\x00-\x1f\x7f"*:<>?|]/g, '_').replace(/^[.\s]+|[\s.]+$/g, '').trim();
  if (Array.from(name).length > 200) {
    const ext = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
    name = Array.from(name).slice(0, 200 - ext.length).join('') + ext;
  }
  return name || `attachment.${ATTACHMENT_TYPES[contentType]?.extension ?? 'bin'}`;
}

/** The file name of a Content-Disposition header (RFC 6266: filename* in UTF-8 wins over filename). */
export function dispositionFileName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)/i.exec(header);
  if (extended && /^utf-8$/i.test(extended[1])) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch {
      // a malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
}

/** Content-Disposition of a download: an ASCII fallback and the exact name in RFC 5987 encoding. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function tooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem({
    status: 413, type: PROBLEM.payloadTooLarge, title: 'Payload too large',
    detail: `An attachment may have at most ${maxBytes} bytes.`,
    // The rest of the body is dropped unread: the connection is not reused after it.
    headers: { Connection: 'close' },
  });
}

function contentMismatch(detail: string): HttpProblem {
  return problems.unprocessable(detail, [{ in: 'body', path: '', message: detail }]);
}

interface Spooled {
  file: string;
  size: number;
  sha256: string;
}

/**
 * Reads the request body into a temporary file, counting and hashing as it goes. Past `maxBytes` it
 * stops, removes the file and answers 413; the rest of the body is read and dropped so that the client
 * gets the answer (up to a bound: a client that keeps sending is cut off).
 */
async function spool(req: Request, maxBytes: number): Promise<Spooled> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(req, maxBytes);
    throw tooLarge(maxBytes);
  }
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'otklik-upload-'));
  const file = path.join(dir, 'body');
  const hash = createHash('sha256');
  let size = 0;
  let over = false;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        done(tooLarge(maxBytes));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, limit, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (e) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    if (over) {
      discard(req, maxBytes);
      throw tooLarge(maxBytes);
    }
    throw e;
  }
  return { file, size, sha256: hash.digest('hex') };
}

function discard(req: Request, maxBytes: number): void {
  if (req.readableEnded || req.destroyed) return;
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > 4 * maxBytes + 1024 * 1024) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

async function sniff(file: string): Promise<string | undefined> {
  // file-type is ESM-only; a dynamic import loads it from CommonJS.
  const { fileTypeFromFile } = await import('file-type');
  return (await fileTypeFromFile(file))?.mime;
}

/** Plain text: valid UTF-8 without NUL bytes (a binary file declared as text has them nearly always). */
async function isUtf8Text(file: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
      if (chunk.includes(0)) return false;
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The declared media type without parameters, lower-case. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

export interface UploadOptions {
  db: Db;
  storage: AttachmentStorage;
  maxBytes: number;
  user: AuthUser;
  req: Request;
  fileName?: string;
  idempotencyKey?: string;
}

/** Accepts one upload: 201 with the new attachment, or the first one again for a repeated Idempotency-Key. */
export async function receiveAttachment(o: UploadOptions): Promise<{ created: boolean; row: AttachmentRow }> {
  const declared = mediaTypeOf(o.req.headers['content-type']);
  const kind = ATTACHMENT_TYPES[declared];
  if (!kind) {
    // The route layer refuses types outside the spec; this is the net under it.
    throw new HttpProblem({
      status: 415, type: PROBLEM.unsupportedMediaType, title: 'Unsupported media type',
      detail: `Attachments may be ${Object.keys(ATTACHMENT_TYPES).join(', ')}, not ${declared || 'untyped'}.`,
      headers: { 'Accept-Post': Object.keys(ATTACHMENT_TYPES).join(', ') },
    });
  }
  const spooled = await spool(o.req, o.maxBytes);
  try {
    if (spooled.size === 0) throw problems.field('body', '', 'an attachment must not be empty');
    const sniffed = await sniff(spooled.file);
    if (kind.sniffed === null) {
      if (sniffed) throw contentMismatch(`The content is ${sniffed}, not ${declared}.`);
      if (!(await isUtf8Text(spooled.file))) throw contentMismatch('The content is not UTF-8 text (text/plain attachments must be UTF-8).');
    } else if (!sniffed || !kind.sniffed.includes(sniffed)) {
      throw contentMismatch(`The content is ${sniffed ?? 'not a recognised file format'}, not ${declared}.`);
    }
    const contentType = kind.sniffed === null ? 'text/plain; charset=utf-8' : declared;
    const fileName = cleanFileName(o.fileName, declared);

    if (o.idempotencyKey) {
      const earlier = await findByKey(o.db, o.user.id, o.idempotencyKey);
      if (earlier) return { created: false, row: sameUpload(earlier, spooled) };
    }
    const id = randomUUID();
    // The file first, then its row: a crash in between leaves an unreferenced object, never a row
    // without its file.
    const key = `${id.slice(0, 2)}/${id}`;
    await o.storage.put(key, fs.createReadStream(spooled.file), { contentType, size: spooled.size });
    const inserted = (await o.db('attachments')
      .insert({
        id, storage_key: key, file_name: fileName, content_type: contentType, size_bytes: spooled.size, sha256: spooled.sha256,
        uploaded_by: o.user.id, idempotency_key: o.idempotencyKey ?? null,
      })
      .onConflict(['uploaded_by', 'idempotency_key'])
      .ignore()
      .returning('*')) as AttachmentRow[];
    if (inserted.length === 0) {
      // The same key raced us: that upload won; ours is removed.
      await o.storage.delete(key);
      return { created: false, row: sameUpload((await findByKey(o.db, o.user.id, o.idempotencyKey!))!, spooled) };
    }
    return { created: true, row: inserted[0] };
  } finally {
    await fs.promises.rm(path.dirname(spooled.file), { recursive: true, force: true });
  }
}

async function findByKey(db: Db, userId: number, key: string): Promise<AttachmentRow | undefined> {
  return (await db('attachments').where({ uploaded_by: userId, idempotency_key: key }).first()) as AttachmentRow | undefined;
}

function sameUpload(earlier: AttachmentRow, now: Spooled): AttachmentRow {
  if (earlier.sha256.trim() !== now.sha256) {
    throw new HttpProblem({
      status: 422, type: PROBLEM.idempotencyKeyReused, title: 'Idempotency-Key reused',
      detail: `This Idempotency-Key was used to upload a different file (attachment ${earlier.id}). Use a new key for a new upload.`,
    });
  }
  return earlier;
}

/**
 * The attachment if the user may download it: the uploader, or anyone who may see a case referencing
 * it (integration clients: with cases:read, for the cases of their subtree). 404 otherwise, whether or
 * not it exists.
 */
export async function visibleAttachment(db: Db, user: AuthUser, id: string): Promise<AttachmentRow> {
  const missing = () => problems.notFound(`There is no attachment ${id}.`);
  if (!UUID.test(id)) throw missing();
  const row = (await db('attachments').where({ id: id.toLowerCase() }).first()) as AttachmentRow | undefined;
  if (!row) throw missing();
  if (row.uploaded_by === user.id) return row;
  if (user.role === 'integration' && !(user.scopes ?? []).includes('cases:read')) throw missing();
  const viaCase = await scopeCases(
    db('case_attachments').join('cases', 'cases.id', 'case_attachments.case_id').where('case_attachments.attachment_id', row.id),
    user,
  ).first('cases.id');
  if (!viaCase) throw missing();
  return row;
}

export interface LinkOptions {
  caseId: string;
  referencedIn: 'appeal' | 'answer';
  user: AuthUser;
  /**
   * Answers: the organisation answering (the actor's). Files uploaded by another user of it may be
   * attached too (one operator scans, another answers). Appeals: null, only the applicant's own files.
   */
  organisationId: string | null;
}

/**
 * Checks that every referenced attachment exists and may be referenced by this user, and links each to
 * the case (once: repeating it changes nothing). A bad id is a 422 naming it, and nothing is linked.
 */
export async function linkAttachments(db: Db | Knex.Transaction, ids: readonly string[], o: LinkOptions): Promise<void> {
  if (ids.length === 0) return;
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  const rows = (await db('attachments')
    .join('users', 'users.id', 'attachments.uploaded_by')
    .whereIn('attachments.id', wanted.filter((id) => UUID.test(id)))
    .select('attachments.id', 'attachments.uploaded_by', 'users.organisation_id')) as { id: string; uploaded_by: number; organisation_id: string | null }[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const bad = ids
    .map((id, i) => ({ id, i, row: byId.get(id.toLowerCase()) }))
    .filter(({ row }) => !row || !(row.uploaded_by === o.user.id || (o.organisationId !== null && row.organisation_id === o.organisationId)));
  if (bad.length > 0) {
    const whose = o.referencedIn === 'answer' ? 'by you or your organisation' : 'by you';
    throw problems.unprocessable(
      `Unknown attachment ${bad.map((b) => b.id).join(', ')}: attachments must be uploaded ${whose} (POST /attachments) before they are referenced.`,
      bad.map((b) => ({ in: 'body' as const, path: `/attachments/${b.i}`, message: `unknown attachment ${b.id}` })),
    );
  }
  await db('case_attachments')
    .insert(wanted.map((id) => ({ case_id: o.caseId, attachment_id: id, referenced_in: o.referencedIn, linked_by: o.user.id })))
    .onConflict(['case_id', 'attachment_id'])
    .ignore();
}

/** The stored file of an attachment, for a download. */
export async function openAttachment(storage: AttachmentStorage, row: AttachmentRow): Promise<{ stream: Readable; size: number }> {
  return storage.get(row.storage_key);
}
