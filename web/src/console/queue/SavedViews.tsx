// The person's saved views of the queue (GET/POST /me/saved-views): apply one, save the current filters
// under a name (the same name replaces it), remove one.
import { useState } from 'preact/hooks';
import { api, call } from '../../api';
import { Button } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice, Input } from '../components';
import { failure, useLoad, type Failure } from '../data';
import { fromQuery, toQuery, type FilterForm } from './filters';

const Q = T.console.queue;

export function SavedViews({ current, onApply }: { current: FilterForm; onApply: (f: FilterForm) => void }) {
  const views = useLoad(() => call(() => api.GET('/me/saved-views')).then((r) => r.items), []);
  const [name, setName] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const save = async () => {
    setFail(null);
    try {
      await call(() => api.POST('/me/saved-views', { body: { name: name.trim(), filters: toQuery(current) } }));
      setName('');
      views.reload();
    } catch (e) { setFail(failure(e)); }
  };
  const remove = async (viewId: number) => {
    try { await call(() => api.DELETE('/me/saved-views/{viewId}', { params: { path: { viewId } } })); } catch (e) { setFail(failure(e)); }
    views.reload();
  };
  return (
    <section class="card" aria-labelledby="views-title">
      <h2 id="views-title">{Q.views}</h2>
      {views.data && views.data.length === 0 && <p class="hint">{Q.noViews}</p>}
      <ul class="views">
        {(views.data ?? []).map((v) => (
          <li>
            <Button kind="link" onClick={() => onApply(fromQuery(v.filters))}>{v.name}</Button>
            <Button kind="link" label={Q.deleteView(v.name)} onClick={() => void remove(v.id)}>×</Button>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => { e.preventDefault(); if (name.trim()) void save(); }}>
        <Input id="view-name" label={Q.viewName} value={name} onInput={setName} />
        <Button type="submit" kind="secondary">{Q.saveView}</Button>
      </form>
      <FailureNotice failure={fail} />
    </section>
  );
}
