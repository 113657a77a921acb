// The citizen's cases, newest first: number, status with its marks, and the answer term.
import { useEffect, useState } from 'preact/hooks';
import { api, call, type CaseSummary } from '../api';
import { signedIn, startSignIn } from '../auth';
import { Badge, Button, DateText, Loading, Notice } from '../components/ui';
import { errorsOf, FORM } from '../problems';
import { href } from '../router';
import { T } from '../text';
import { useTimeZone } from './regions';
import { mainStatus, statusMarks } from './status';

export function MyCases() {
  const [items, setItems] = useState<CaseSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (after?: string) =>
    call(() => api.GET('/cases', { params: { query: { limit: 20, cursor: after } } })).then(
      (page) => { setItems((old) => [...(after ? old ?? [] : []), ...page.items]); setCursor(page.nextCursor); },
      (e) => setError(errorsOf(e)[FORM] ?? T.unexpected),
    );
  useEffect(() => { if (signedIn()) void load(); }, []);
  if (!signedIn()) return <section><h1>{T.cases.title}</h1><p>{T.cases.signIn}</p><Button onClick={startSignIn}>{T.nav.signIn}</Button></section>;
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!items) return <Loading />;
  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title">{T.cases.title}</h1>
      {items.length === 0 ? <p>{T.cases.empty}</p> : (
        <ul class="case-list">{items.map((c) => <CaseRow key={c.id} c={c} />)}</ul>
      )}
      {cursor && <Button kind="secondary" onClick={() => void load(cursor)}>{T.cases.more}</Button>}
    </section>
  );
}

function CaseRow({ c }: { c: CaseSummary }) {
  const zone = useTimeZone(c.regionId);
  const status = mainStatus(c);
  return (
    <li class="case-row">
      <a class="case-row__link" href={href(`/cases/${encodeURIComponent(c.id)}`)}>{c.id}</a>
      <p class="case-row__text">{c.text.length > 140 ? `${c.text.slice(0, 140)}…` : c.text}</p>
      <p class="badges"><Badge tone={status.tone}>{status.label}</Badge>{statusMarks(c).map((m) => <Badge tone={m.tone}>{m.label}</Badge>)}</p>
      {zone && (
        <dl class="facts facts--inline">
          <dt>{T.cases.registered}</dt><dd><DateText iso={c.registeredAt} timeZone={zone} /></dd>
          {c.answerDueAt && c.status !== 'closed' && <><dt>{T.cases.due}</dt><dd><DateText iso={c.answerDueAt} timeZone={zone} /></dd></>}
        </dl>
      )}
    </li>
  );
}
