// The dashboards' filters: region (an administrator's choice; others see their own), municipal district,
// organisation with or without its subtree, category, channel and the months of the period, for the
// indicators; the other tabs have their own few controls. Applied with the button, so a keyboard user
// changes several before the figures reload.
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../components/ui';
import { T } from '../../text';
import { Input, Select } from '../components';
import { CHANNELS, defaults, type DashboardFilters } from './filters';
import type { TabProps } from './Dashboards';

const D = T.console.dashboards;

export function MonitoringFilters(p: TabProps & { tab: string }) {
  const [f, setF] = useState(p.f);
  useEffect(() => setF(p.f), [JSON.stringify(p.f)]);
  const set = (k: keyof DashboardFilters) => (v: string) => setF({ ...f, [k]: v });
  const admin = p.me.role === 'administrator';
  const region = p.lists.regions.find((r) => r.id === p.regionId);
  const full = p.tab === 'indicators';
  if (!admin && !full) return null;
  return (
    <form class="filters card monitoring-filters" aria-labelledby="mf-title" onSubmit={(e) => { e.preventDefault(); p.set(f); }}>
      <h2 id="mf-title">{D.filters}</h2>
      {!admin && <p class="hint">{D.ownRegion(region?.name ?? p.regionId)}</p>}
      <div class="filters-grid">
        {admin && <Select id="mf-region" label={D.region} value={f.regionId} onChange={(v) => setF({ ...f, regionId: v, territoryId: '', organisationId: '', categoryId: '' })}
          options={[['', D.chooseRegion], ...p.lists.regions.map((r): [string, string] => [r.id, r.name])]} />}
        {full && (
          <>
            <Select id="mf-district" label={D.district} value={f.territoryId} onChange={set('territoryId')}
              options={[['', D.all], ...p.lists.districts.map((t): [string, string] => [t.id, t.name])]} />
            <Select id="mf-org" label={D.organisation} value={f.organisationId} onChange={set('organisationId')}
              options={[['', D.all], ...p.lists.organisations.map((o): [string, string] => [o.id, o.name])]} />
            <div class="check">
              <input id="mf-subtree" type="checkbox" checked={f.subtree === 'true'} disabled={!f.organisationId}
                onChange={(e) => setF({ ...f, subtree: (e.currentTarget as HTMLInputElement).checked ? 'true' : 'false' })} />
              <label for="mf-subtree">{D.subtree}</label>
            </div>
            <Select id="mf-category" label={D.category} value={f.categoryId} onChange={set('categoryId')}
              options={[['', D.all], ...p.lists.categories.map((c): [string, string] => [c.id, c.name])]} />
            <Select id="mf-channel" label={D.channel} value={f.channel} onChange={set('channel')}
              options={[['', D.all], ...CHANNELS.map((c): [string, string] => [c, D.channels[c]])]} />
            <Input id="mf-from" type="month" label={D.from} value={f.from} onInput={set('from')} required />
            <Input id="mf-to" type="month" label={D.to} value={f.to} onInput={set('to')} required />
          </>
        )}
      </div>
      <div class="actions">
        <Button type="submit">{D.apply}</Button>
        <Button kind="secondary" onClick={() => { const d = { ...defaults(new Date()), regionId: f.regionId }; setF(d); p.set(d); }}>{D.reset}</Button>
      </div>
    </form>
  );
}
