// The embed snippet of an organisation and its list of allowed sites (the embed-origins API): the form
// opens only on these sites (the frame's frame-ancestors follow the list).
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { Button, Loading, Notice } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice, Input } from '../components';
import { failure, useLoad, type Failure } from '../data';
import { useMe } from '../useMe';
import { OrgPicker, useOrganisationChoice } from './OrgPicker';

const E = T.console.embed;

/** The two lines an organisation pastes into its site. Pure. */
export function embedSnippet(origin: string, organisationId: string): string {
  return `<div id="otklik-form"></div>\n<script src="${origin}/embed.js" data-organisation="${organisationId}" async></script>`;
}

export function EmbedScreen() {
  const me = useMe();
  const [organisationId, setOrg] = useOrganisationChoice(me);
  const origins = useLoad(async () => (organisationId
    ? (await call(() => api.GET('/organisations/{organisationId}/embed-origins', { params: { path: { organisationId } } }))).items : null), [organisationId]);
  const [origin, setOrigin] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const add = async () => {
    setFail(null);
    try {
      await call(() => api.POST('/organisations/{organisationId}/embed-origins', { params: { path: { organisationId } }, body: { origin: origin.trim() } }));
      setOrigin(''); origins.reload();
    } catch (e) { setFail(failure(e)); }
  };
  const remove = (originId: number) => call(() => api.DELETE('/organisations/{organisationId}/embed-origins/{originId}', { params: { path: { organisationId, originId } } }))
    .then(origins.reload, (e) => setFail(failure(e)));
  return (
    <section aria-labelledby="embed-title">
      <h1 id="embed-title">{E.title}</h1>
      <OrgPicker me={me} value={organisationId} onChange={setOrg} />
      {organisationId && (
        <>
          <h2>{E.snippet}</h2>
          <p class="hint">{E.snippetHint}</p>
          <pre class="snippet" data-testid="snippet" tabIndex={0} aria-label={E.snippet}>{embedSnippet(location.origin, organisationId)}</pre>
          <h2>{E.origins}</h2>
          {origins.error ? <Notice kind="error">{origins.error}</Notice> : !origins.data ? <Loading /> : origins.data.length === 0 ? <p class="empty-state">{E.empty}</p> : (
            <ul class="views" data-testid="origins">
              {origins.data.map((o) => <li><span>{o.origin}</span><Button kind="link" label={E.removeOrigin(o.origin)} onClick={() => void remove(o.id)}>{T.console.remove}</Button></li>)}
            </ul>
          )}
          <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void add(); }}>
            <Input id="embed-origin" type="url" label={E.origin} hint={E.originHint} value={origin} onInput={setOrigin} required />
            <div class="actions"><Button type="submit">{T.console.add}</Button></div>
          </form>
          <FailureNotice failure={fail} />
        </>
      )}
    </section>
  );
}
