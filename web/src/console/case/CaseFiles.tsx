// The applicant's files (the attachments listed when the case was registered) and the media link, each a
// download through the API (the files are not public).
import { useEffect, useState } from 'preact/hooks';
import { api, call, fileUrl, type CaseDetail } from '../../api';
import { T } from '../../text';

const K = T.console.case;

/** The attachment ids the registration recorded. Pure. */
export function caseAttachments(c: CaseDetail): string[] {
  const registered = c.timeline.find((e) => e.type === 'registered');
  const ids: unknown = registered?.details.attachments;
  return Array.isArray(ids) ? ids.filter((x: unknown): x is string => typeof x === 'string') : [];
}

export function CaseFiles({ c }: { c: CaseDetail }) {
  const ids = caseAttachments(c);
  return (
    <section aria-labelledby="files-title">
      <h2 id="files-title">{K.attachments}</h2>
      {ids.length === 0 && !c.mediaUrl && <p class="hint">{K.noAttachments}</p>}
      <ul class="files">
        {ids.map((id) => <File id={id} />)}
        {c.mediaUrl && <li class="file"><a href={c.mediaUrl} rel="noreferrer noopener" target="_blank">{K.media}</a></li>}
      </ul>
    </section>
  );
}

function File({ id }: { id: string }) {
  const [meta, setMeta] = useState<{ fileName: string; url: string; image: boolean } | null>(null);
  useEffect(() => {
    call(() => api.GET('/attachments/{attachmentId}/meta', { params: { path: { attachmentId: id } } }))
      .then(async (m) => setMeta({ fileName: m.fileName, url: await fileUrl(id), image: m.contentType.startsWith('image/') }), () => undefined);
  }, [id]);
  if (!meta) return <li class="file">{id}</li>;
  return (
    <li class="file">
      {meta.image && <img class="thumb" src={meta.url} alt={meta.fileName} />}
      <a href={meta.url} download={meta.fileName}>{T.cases.download(meta.fileName)}</a>
    </li>
  );
}
