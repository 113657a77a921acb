// Attachments over HTTP: upload (a raw body of one of the allowed media types), metadata and download.
// The rules are in domain/attachments/attachments.ts; the files are in the attachment storage (domain/attachments/storage.ts).
import { attachmentInfo, contentDisposition, dispositionFileName, openAttachment, receiveAttachment, visibleAttachment } from '../../domain/attachments/attachments';
import { attachmentsFromEnv, type AttachmentsDeps } from '../../domain/attachments/storage';
import type { AppDeps, Handlers } from '../routes';

let fallback: AttachmentsDeps | undefined;

/** createApp always sets deps.attachments; an AppDeps built elsewhere gets the environment's storage. */
function attachmentsOf(deps: AppDeps): AttachmentsDeps {
  return deps.attachments ?? (fallback ??= attachmentsFromEnv());
}

export const attachmentHandlers = {
  async uploadAttachment({ deps, user, req, input }) {
    const { storage, maxBytes } = attachmentsOf(deps);
    const { created, row } = await receiveAttachment({
      db: deps.db, storage, maxBytes, user, req,
      fileName: input.query.filename ?? dispositionFileName(req.headers['content-disposition']),
      idempotencyKey: input.headers['Idempotency-Key'],
    });
    return { status: created ? 201 : 200, body: attachmentInfo(row), headers: { Location: `/attachments/${row.id}` } };
  },

  async getAttachmentMeta({ deps, user, input }) {
    const row = await visibleAttachment(deps.db, user, input.params.attachmentId);
    return { status: 200, body: attachmentInfo(row) };
  },

  async downloadAttachment({ deps, user, input }) {
    const row = await visibleAttachment(deps.db, user, input.params.attachmentId);
    const file = await openAttachment(attachmentsOf(deps).storage, row);
    return {
      status: 200,
      stream: file.stream,
      headers: {
        'Content-Type': row.content_type,
        'Content-Length': String(file.size),
        'Content-Disposition': contentDisposition(row.file_name),
        'X-Content-Type-Options': 'nosniff',
      },
    };
  },
} satisfies Partial<Handlers>;
