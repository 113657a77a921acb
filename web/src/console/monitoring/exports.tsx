// Export buttons of a report: the API answers the same query with `format=csv|xlsx` as a file
// (Content-Disposition: attachment). The session token rides in a header, so a plain link cannot carry
// it: the file is fetched by the API client and saved from an object URL.
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { Button, Notice } from '../../components/ui';
import { T } from '../../text';
import { failure } from '../data';

type ExportPath = '/monitoring/readiness' | '/monitoring/problems' | '/monitoring/problems/returning' | '/cases' | '/monitoring/indicators'
  | '/monitoring/participation' | '/monitoring/regions/{regionId}/rating' | '/monitoring/rating/snapshots/{snapshotId}';
type PathParams = Record<string, string | number>;
const D = T.console.dashboards;

async function download(path: ExportPath, query: Record<string, unknown>, format: 'csv' | 'xlsx', pathParams: PathParams = {}): Promise<string> {
  let name = `${path.split('/').filter((x) => !x.startsWith('{')).pop()}.${format}`;
  const blob = await call(async () => {
    // One path of a few: the client's types are per path, the request is the same for each.
    const r = await (api.GET as (p: string, o: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(path, { params: { path: pathParams, query: { ...query, format } }, parseAs: 'blob' });
    const m = /filename="?([^";]+)"?/.exec(r.response.headers.get('content-disposition') ?? '');
    if (m) name = m[1];
    return r;
  });
  const url = URL.createObjectURL(blob as Blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export function ExportButtons(p: { what: string; path: ExportPath; query: Record<string, unknown>; id: string; pathParams?: PathParams }) {
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(true); setSaid(null);
    try { setSaid({ ok: true, text: D.exported(await download(p.path, p.query, format, p.pathParams)) }); } catch (e) { setSaid({ ok: false, text: failure(e).text }); }
    setBusy(false);
  };
  return (
    <div class="export" data-testid={`export-${p.id}`}>
      <span class="export__label">{D.export}:</span>
      <Button kind="secondary" busy={busy} label={D.exportAs(p.what, 'CSV')} onClick={() => void run('csv')}>CSV</Button>
      <Button kind="secondary" busy={busy} label={D.exportAs(p.what, 'XLSX')} onClick={() => void run('xlsx')}>XLSX</Button>
      {said && <Notice kind={said.ok ? 'success' : 'error'}>{said.text}</Notice>}
    </div>
  );
}
