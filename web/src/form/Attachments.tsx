// Photos and documents: the limits said before choosing, each file checked for type and size before it
// is sent, uploaded at once (POST /attachments, one Idempotency-Key per file), shown with a preview, and
// removable. Uploading needs a signed-in citizen: before that, the section says so.
import { useEffect, useState } from 'preact/hooks';
import { api, call, fileUrl, type Schemas } from '../api';
import { signedIn, startSignIn } from '../auth';
import { Button } from '../components/ui';
import { formatSize } from '../format';
import { errorsOf, FORM } from '../problems';
import { T } from '../text';
import type { UploadedFile } from './draft';

interface Props {
  limits: Schemas['EmbedForm']['attachments'];
  files: UploadedFile[];
  onChange: (files: UploadedFile[]) => void;
  error?: string;
}

async function upload(file: File): Promise<UploadedFile> {
  const a = await call(() => api.POST('/attachments', {
    params: { query: { filename: file.name }, header: { 'Idempotency-Key': `web-${crypto.randomUUID()}` } },
    body: file as unknown as string, bodySerializer: (b: unknown) => b as BodyInit, headers: { 'Content-Type': file.type },
  }));
  return { id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size };
}

function Preview({ file }: { file: UploadedFile }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!/^image\/(jpeg|png|webp)$/.test(file.contentType)) return;
    let made: string | null = null;
    fileUrl(file.id).then((u) => { made = u; setUrl(u); }, () => undefined);
    return () => { if (made) URL.revokeObjectURL(made); };
  }, [file.id]);
  return url ? <img class="thumb" src={url} alt="" /> : <span class="thumb thumb--doc" aria-hidden="true">{file.fileName.split('.').pop()?.toUpperCase()}</span>;
}

export function Attachments({ limits, files, onChange, error }: Props) {
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(0);
  const size = formatSize(limits.maxBytes, T.units);
  const choose = async (list: FileList | null) => {
    const chosen = [...(list ?? [])];
    const errs: string[] = [];
    const ok = chosen.filter((f) => {
      if (!limits.contentTypes.includes(f.type)) errs.push(T.form.fileBadType(f.name));
      else if (f.size > limits.maxBytes) errs.push(T.form.fileTooLarge(f.name, size));
      else return true;
      return false;
    });
    if (files.length + ok.length > limits.maxFiles) errs.push(T.form.fileTooMany(limits.maxFiles));
    const take = ok.slice(0, Math.max(0, limits.maxFiles - files.length));
    setBusy(take.length);
    let next = files;
    for (const f of take) {
      try {
        next = [...next, await upload(f)];
        onChange(next);
      } catch (e) {
        errs.push(errorsOf(e)[FORM] ?? T.form.fileRejected(f.name));
      }
      setBusy((n) => n - 1);
    }
    setProblems(errs);
  };
  return (
    <fieldset class="group">
      <legend>{T.form.files}</legend>
      <p class="hint" id="files-limits">{T.form.filesLimits(size, limits.maxFiles)}</p>
      {!signedIn() ? (
        <p class="hint">{T.form.filesSignIn} <Button kind="secondary" onClick={startSignIn}>{T.nav.signIn}</Button></p>
      ) : (
        <div class="field">
          <input id="files" class="visually-hidden" type="file" multiple accept={limits.contentTypes.join(',')} aria-describedby="files-limits"
            onChange={(e) => { const input = e.currentTarget as HTMLInputElement; void choose(input.files).then(() => { input.value = ''; }); }} />
          <label for="files" class="button button--secondary file-button">{T.form.filesAdd}</label>
        </div>
      )}
      {busy > 0 && <p role="status">{T.form.fileUploading}</p>}
      {[...problems, ...(error ? [error] : [])].map((p) => <p class="error" role="alert">{p}</p>)}
      {files.length > 0 && (
        <ul class="files">
          {files.map((f) => (
            <li class="file">
              <Preview file={f} />
              <span class="file__name">{f.fileName} <span class="hint">({formatSize(f.size, T.units)})</span></span>
              <Button kind="secondary" label={T.form.fileRemove(f.fileName)} onClick={() => onChange(files.filter((x) => x.id !== f.id))}>✕</Button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
