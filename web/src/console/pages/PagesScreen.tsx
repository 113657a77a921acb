// Official pages (Госпаблики) of an organisation: its pages with the «госпаблик» mark and the widget,
// its publications (a draft is approved by a second person, never its author, then goes out at its
// time), and for supervisors the region's table per municipal district (the official-pages API).
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { TextArea } from '../../components/Field';
import { Badge, Button, Loading, Notice } from '../../components/ui';
import { T } from '../../text';
import { OrgPicker, useOrganisationChoice } from '../admin/OrgPicker';
import { FailureNotice, Input, RegionDate, Select, TableWrap } from '../components';
import { failure, useLoad, type Failure } from '../data';
import type { Me } from '../session';
import { useMe } from '../useMe';
import { RegionTable } from './RegionTable';

const P = T.console.pages;
type Page = Schemas['OfficialPage'];
type Publication = Schemas['Publication'];

export function PagesScreen() {
  const me = useMe();
  const [organisationId, setOrg] = useOrganisationChoice(me);
  const org = useLoad(async () => (organisationId ? call(() => api.GET('/organisations/{organisationId}', { params: { path: { organisationId } } })) : null), [organisationId]);
  const pages = useLoad(async () => (organisationId
    ? (await call(() => api.GET('/organisations/{organisationId}/official-pages', { params: { path: { organisationId } } }))).items : []), [organisationId]);
  return (
    <section aria-labelledby="pages-title">
      <h1 id="pages-title">{P.title}</h1>
      <p class="hint">{P.intro}</p>
      {me?.role === 'supervisor' && me.regionId && <RegionTable regionId={me.regionId} />}
      <OrgPicker me={me} value={organisationId} onChange={setOrg} />
      {organisationId && org.data && (pages.error ? <Notice kind="error">{pages.error}</Notice> : !pages.data ? <Loading /> : (
        <>
          <PagesTable organisationId={organisationId} pages={pages.data} reload={pages.reload} />
          <PageForm organisationId={organisationId} onDone={pages.reload} />
          <Publications me={me} organisationId={organisationId} regionId={org.data.regionId} pages={pages.data.filter((p) => p.active)} />
        </>
      ))}
    </section>
  );
}

function PagesTable({ organisationId, pages, reload }: { organisationId: string; pages: Page[]; reload: () => void }) {
  const [fail, setFail] = useState<Failure | null>(null);
  const set = (page: Page, body: Schemas['OfficialPagePatch']) => call(() => api.PATCH('/organisations/{organisationId}/official-pages/{pageId}', {
    params: { path: { organisationId, pageId: page.id } }, body,
  })).then(() => { setFail(null); reload(); }, (e) => setFail(failure(e)));
  const flag = (page: Page, what: string, on: boolean, body: Schemas['OfficialPagePatch']) => {
    const state = on ? T.console.yes : T.console.no;
    return <Button kind="link" label={P.toggle(state, what, page.name, on)} onClick={() => void set(page, body)}>{state}</Button>;
  };
  return (
    <>
      <h2>{P.pagesTitle}</h2>
      {pages.length === 0 ? <p class="empty-state">{P.pagesEmpty}</p> : (
        <TableWrap label={P.pagesTitle}>
          <table class="table" data-testid="pages">
            <thead><tr><th scope="col">{P.page}</th><th scope="col">{P.network}</th><th scope="col">{P.stateMark}</th><th scope="col">{P.widget}</th><th scope="col">{P.active}</th></tr></thead>
            <tbody>
              {pages.map((p) => (
                <tr>
                  <td><a href={p.url} rel="noopener noreferrer" target="_blank">{p.name}</a></td>
                  <td>{P.networks[p.network]}</td>
                  <td>{flag(p, P.stateMark, p.stateMark, { stateMark: !p.stateMark })}</td>
                  <td>{flag(p, P.widget, p.widgetPlaced, { widgetPlaced: !p.widgetPlaced })}</td>
                  <td>{flag(p, P.active, p.active, { active: !p.active })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <FailureNotice failure={fail} />
    </>
  );
}

function PageForm({ organisationId, onDone }: { organisationId: string; onDone: () => void }) {
  const [network, setNetwork] = useState<Page['network']>('vk');
  const [url, setUrl] = useState('');
  const [externalId, setExternalId] = useState('');
  const [name, setName] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const submit = async () => {
    try {
      await call(() => api.POST('/organisations/{organisationId}/official-pages', {
        params: { path: { organisationId } }, body: { network, url: url.trim(), externalId: externalId.trim(), name: name.trim() },
      }));
      setUrl(''); setExternalId(''); setName(''); setFail(null); onDone();
    } catch (e) { setFail(failure(e)); }
  };
  return (
    <form class="card" aria-labelledby="page-form-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3 id="page-form-title">{P.addPage}</h3>
      <Select id="page-network" label={P.network} value={network} onChange={(v) => setNetwork(v as Page['network'])}
        options={Object.entries(P.networks)} required />
      <Input id="page-name" label={P.name} value={name} onInput={setName} required />
      <Input id="page-url" type="url" label={P.url} hint={P.urlHint} value={url} onInput={setUrl} required error={fail?.fields['/url']} />
      <Input id="page-external-id" label={P.externalId} hint={P.externalIdHint} value={externalId} onInput={setExternalId} required />
      <div class="actions"><Button type="submit">{T.console.add}</Button></div>
      <FailureNotice failure={fail} />
    </form>
  );
}

function Publications({ me, organisationId, regionId, pages }: { me: Me | null; organisationId: string; regionId: string; pages: Page[] }) {
  const list = useLoad(async () => (await call(() => api.GET('/organisations/{organisationId}/publications', { params: { path: { organisationId } } }))).items, [organisationId]);
  const [fail, setFail] = useState<Failure | null>(null);
  const act = (run: () => Promise<unknown>) => run().then(() => { setFail(null); list.reload(); }, (e) => setFail(failure(e)));
  const approve = (p: Publication) => act(() => call(() => api.POST('/publications/{publicationId}/approval', { params: { path: { publicationId: p.id } } })));
  const cancel = (p: Publication) => act(() => call(() => api.POST('/publications/{publicationId}/cancellation', { params: { path: { publicationId: p.id } }, body: { reason: P.cancelReason } })));
  return (
    <>
      <h2>{P.publicationsTitle}</h2>
      {list.error ? <Notice kind="error">{list.error}</Notice> : !list.data ? <Loading /> : list.data.length === 0 ? <p class="empty-state">{P.publicationsEmpty}</p> : (
        <ul class="case-list" data-testid="publications">
          {list.data.map((p) => (
            <li class="case-row">
              <p class="badges"><Badge tone={p.status === 'failed' ? 'danger' : p.status === 'published' ? 'success' : 'neutral'}>{P.status[p.status]}</Badge>{' '}
                {P.networks[p.network]} · <RegionDate iso={p.publishedAt ?? p.publishAt} regionId={regionId} withTime /></p>
              <p class="prose">{p.text}</p>
              {p.lastError && p.status !== 'published' && <p class="hint">{p.lastError}</p>}
              <div class="actions">
                {p.networkPostUrl && <a href={p.networkPostUrl} rel="noopener noreferrer" target="_blank">{P.openPost}</a>}
                {p.status === 'draft' && (p.authorUserId === me?.id ? <span class="hint">{P.ownDraft}</span>
                  : <Button label={P.approveLabel(p.publishAt)} onClick={() => void approve(p)}>{P.approve}</Button>)}
                {(p.status === 'draft' || p.status === 'scheduled') && <Button kind="link" onClick={() => void cancel(p)}>{P.cancel}</Button>}
              </div>
            </li>
          ))}
        </ul>
      )}
      <FailureNotice failure={fail} />
      {pages.length > 0 && <DraftForm organisationId={organisationId} pages={pages} onDone={list.reload} />}
    </>
  );
}

function DraftForm({ organisationId, pages, onDone }: { organisationId: string; pages: Page[]; onDone: () => void }) {
  const [pageId, setPageId] = useState(String(pages[0].id));
  const [text, setText] = useState('');
  const [publishAt, setPublishAt] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const submit = async () => {
    try {
      await call(() => api.POST('/organisations/{organisationId}/publications', {
        params: { path: { organisationId } }, body: { pageId: Number(pageId), text: text.trim(), publishAt: new Date(publishAt).toISOString() },
      }));
      setText(''); setPublishAt(''); setFail(null); onDone();
    } catch (e) { setFail(failure(e)); }
  };
  return (
    <form class="card" aria-labelledby="draft-form-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3 id="draft-form-title">{P.draft}</h3>
      <Select id="draft-page" label={P.page} value={pageId} onChange={setPageId} required
        options={pages.map((p): [string, string] => [String(p.id), `${p.name} (${P.networks[p.network]})`])} />
      <TextArea id="draft-text" label={P.text} value={text} onInput={setText} required rows={5} maxLength={4096} />
      <Input id="draft-publish-at" type="datetime-local" label={P.publishAt} hint={P.publishAtHint} value={publishAt} onInput={setPublishAt} required />
      <div class="actions"><Button type="submit">{P.draft}</Button></div>
      <FailureNotice failure={fail} />
    </form>
  );
}
