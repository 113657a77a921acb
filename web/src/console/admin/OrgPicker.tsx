// The organisation an administrator's screen is about (administrators act for every organisation); an
// operator's screens are about their own, with no choice.
import { useEffect, useState } from 'preact/hooks';
import { T } from '../../text';
import { Select } from '../components';
import { useOrganisations } from '../data';
import type { Me } from '../session';

export function useOrganisationChoice(me: Me | null): [string, (id: string) => void] {
  const [id, setId] = useState('');
  useEffect(() => { if (me?.organisationId) setId(me.organisationId); }, [me]);
  return [id, setId];
}

export function OrgPicker({ me, value, onChange }: { me: Me | null; value: string; onChange: (id: string) => void }) {
  const orgs = useOrganisations(me && !me.organisationId ? '' : undefined);
  if (!me || me.organisationId) return null;
  return (
    <div class="filters-inline">
      <Select id="org-picker" label={T.console.templates.organisation} value={value} onChange={onChange}
        options={[['', T.console.actions.chooseOrganisation], ...orgs.map((o): [string, string] => [o.id, `${o.name} (${o.id})`])]} />
    </div>
  );
}
