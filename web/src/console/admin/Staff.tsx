// Operators and supervisors, and the administrators (GET/POST /users): who works where with which role,
// and a new member with the login their first sign-in lands in.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { Button, Loading, Notice } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice, Input, Select, TableWrap } from '../components';
import { failure, useLoad, useOrganisations, type Failure } from '../data';

const S = T.console.staff;

export function StaffScreen() {
  const [organisationId, setOrg] = useState('');
  const staff = useLoad(() => call(() => api.GET('/users', { params: { query: organisationId ? { organisationId } : {} } })), [organisationId]);
  const orgs = useOrganisations('');
  const orgOptions = orgs.map((o): [string, string] => [o.id, `${o.name} (${o.id})`]);
  return (
    <section aria-labelledby="staff-title">
      <h1 id="staff-title">{S.title}</h1>
      <p>{S.intro}</p>
      <div class="filters-inline"><Select id="staff-org" label={S.organisation} value={organisationId} onChange={setOrg} options={[['', T.console.any], ...orgOptions]} /></div>
      {staff.error ? <Notice kind="error">{staff.error}</Notice> : !staff.data ? <Loading /> : staff.data.items.length === 0 ? <p class="empty-state">{S.empty}</p> : (
        <TableWrap label={S.title}>
          <table class="table" data-testid="staff">
            <thead><tr><th scope="col">{S.name}</th><th scope="col">{S.role}</th><th scope="col">{S.organisation}</th><th scope="col">{S.email}</th><th scope="col">{S.logins}</th></tr></thead>
            <tbody>
              {staff.data.items.map((u) => (
                <tr data-user={u.id}>
                  <td>{u.name}</td><td>{T.console.roles[u.role]}</td><td>{u.organisationId ?? u.regionId ?? T.console.none}</td>
                  <td>{u.email ?? T.console.none}</td><td>{u.logins.join(', ') || T.console.none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <AddStaff orgOptions={orgOptions} onAdded={staff.reload} />
    </section>
  );
}

function AddStaff({ orgOptions, onAdded }: { orgOptions: [string, string][]; onAdded: () => void }) {
  const empty = { role: 'operator', name: '', email: '', organisationId: '', regionId: '', login: '' };
  const [f, setF] = useState(empty);
  const [fail, setFail] = useState<Failure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const regions = useLoad(() => call(() => api.GET('/regions')), []);
  const set = (k: keyof typeof empty) => (v: string) => setF({ ...f, [k]: v });
  const submit = async () => {
    setFail(null); setDone(null);
    const body: Schemas['StaffCreate'] = {
      role: f.role as 'operator' | 'supervisor', name: f.name.trim(), ...(f.email.trim() ? { email: f.email.trim() } : {}),
      ...(f.role === 'operator' ? { organisationId: f.organisationId } : { regionId: f.regionId }), ...(f.login.trim() ? { login: f.login.trim() } : {}),
    };
    try {
      const added = await call(() => api.POST('/users', { body }));
      setDone(S.added(added.name)); setF(empty); onAdded();
    } catch (e) { setFail(failure(e)); }
  };
  const regionOptions = (regions.data?.items ?? []).map((r): [string, string] => [r.id, r.name]);
  return (
    <form class="card" aria-labelledby="add-staff-title" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h2 id="add-staff-title">{S.add}</h2>
      <Select id="staff-role" label={S.role} value={f.role} onChange={set('role')} options={[['operator', T.console.roles.operator], ['supervisor', T.console.roles.supervisor]]} />
      <Input id="staff-name" label={S.name} value={f.name} onInput={set('name')} required error={fail?.fields['/name']} />
      <Input id="staff-email" type="email" label={S.email} value={f.email} onInput={set('email')} error={fail?.fields['/email']} />
      {f.role === 'operator'
        ? <Select id="staff-organisation" label={S.organisation} value={f.organisationId} onChange={set('organisationId')} required options={[['', T.console.actions.chooseOrganisation], ...orgOptions]} error={fail?.fields['/organisationId']} />
        : <Select id="staff-region" label={S.region} value={f.regionId} onChange={set('regionId')} required options={[['', T.console.any], ...regionOptions]} error={fail?.fields['/regionId']} />}
      <Input id="staff-login" label={S.login} hint={S.loginHint} value={f.login} onInput={set('login')} error={fail?.fields['/login']} />
      <Button type="submit">{S.add}</Button>
      {done && <Notice kind="success">{done}</Notice>}
      <FailureNotice failure={fail} />
    </form>
  );
}
