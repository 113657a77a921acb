// An organisation's duplicate appeals in one screen (GET /organisations/{organisationId}/case-groups): the
// groups the rule proposes, each confirmed with one button (POST /case-groups; an operator may leave cases
// out on the case page), and the confirmed groups still open, each with its cases and whether the group's
// answer reached them. The answer itself is given on a case's page (SimilarCases.tsx), where the operator
// reads the case. Reached from the queue.
import { useState } from 'preact/hooks';
import { api, call, type CaseSummary, type Schemas } from '../../api';
import { Badge, Button, Loading, Notice } from '../../components/ui';
import { href } from '../../router';
import { T } from '../../text';
import { OrgPicker, useOrganisationChoice } from '../admin/OrgPicker';
import { FailureNotice, RegionDate } from '../components';
import { failure, useLoad, type Failure } from '../data';
import { useMe } from '../useMe';
import { CaseLine } from './SimilarCases';

const G = T.console.caseGroups;
type Proposal = Schemas['CaseGroupProposal'];
type Group = Schemas['CaseGroup'];

export function CaseGroupsScreen() {
  const me = useMe();
  const [organisationId, setOrganisationId] = useOrganisationChoice(me);
  const loaded = useLoad(
    () => (organisationId ? call(() => api.GET('/organisations/{organisationId}/case-groups', { params: { path: { organisationId } } })) : Promise.resolve(undefined)),
    [organisationId],
  );
  const [fail, setFail] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const canConfirm = me?.role === 'operator' || me?.role === 'administrator';
  const confirm = async (p: Proposal, index: number) => {
    setBusy(index); setFail(null); setNotice(null);
    try {
      const group = await call(() => api.POST('/case-groups', { body: { caseIds: p.cases.map((c) => c.id) } }));
      setNotice(G.confirmed(group.id));
      loaded.reload();
    } catch (e) {
      setFail(failure(e));
    } finally {
      setBusy(null);
    }
  };
  const data = loaded.data;
  return (
    <section aria-labelledby="case-groups-title">
      <h1 id="case-groups-title">{G.title}</h1>
      <p class="hint"><a href={href('/queue')}>{G.back}</a></p>
      <OrgPicker me={me} value={organisationId} onChange={setOrganisationId} />
      {notice && <Notice kind="success">{notice}</Notice>}
      <FailureNotice failure={fail} />
      {!organisationId && me && <p class="empty-state">{G.chooseOrganisation}</p>}
      {loaded.error && <Notice kind="error">{loaded.error}</Notice>}
      {organisationId && !data && !loaded.error && <Loading />}
      {data && (
        <>
          <p class="hint">{T.console.similar.rule(data.rule.distanceMetres, data.rule.periodDays)}</p>
          <section class="card" aria-labelledby="proposed-title" data-testid="proposed-groups">
            <h2 id="proposed-title">{G.proposed(data.proposed.length)}</h2>
            {data.proposed.length === 0 && <p>{G.noProposed}</p>}
            {data.proposed.map((p, i) => (
              <article class="case-group" aria-labelledby={`proposal-${i}`}>
                <h3 id={`proposal-${i}`}>{G.proposal(i + 1, p.cases.length)}</h3>
                <p class="hint">{G.subcategory} {p.subcategoryId}</p>
                <CaseList cases={p.cases} />
                {canConfirm && (
                  <div class="actions">
                    <Button busy={busy === i} disabled={busy !== null} label={G.confirmLabel(i + 1)} onClick={() => void confirm(p, i)}>{G.confirm}</Button>
                  </div>
                )}
              </article>
            ))}
            {canConfirm && data.proposed.length > 0 && <p class="hint">{G.confirmHint}</p>}
          </section>
          <section class="card" aria-labelledby="confirmed-title" data-testid="confirmed-groups">
            <h2 id="confirmed-title">{G.confirmedTitle(data.confirmed.length)}</h2>
            {data.confirmed.length === 0 && <p>{G.noConfirmed}</p>}
            {data.confirmed.map((g) => <ConfirmedGroup g={g} />)}
          </section>
        </>
      )}
    </section>
  );
}

function CaseList({ cases, reached }: { cases: CaseSummary[]; reached?: Set<string> }) {
  return (
    <ul class="similar-list">
      {cases.map((x) => (
        <li>
          <CaseLine x={x} regionId={x.regionId} />
          {reached?.has(x.id) && <span class="hint"> — {T.console.similar.reached}</span>}
          <div class="cell-text">{x.text.length > 120 ? `${x.text.slice(0, 120)}…` : x.text}</div>
        </li>
      ))}
    </ul>
  );
}

function ConfirmedGroup({ g }: { g: Group }) {
  const reached = new Set(g.answeredCaseIds);
  const waiting = g.cases.filter((x) => !reached.has(x.id));
  return (
    <article class="case-group" aria-labelledby={`group-${g.id}`} data-group={g.id}>
      <h3 id={`group-${g.id}`}>{T.console.similar.group(g.id)}</h3>
      <p class="hint">
        {G.confirmedAt} <RegionDate iso={g.confirmedAt} regionId={g.cases[0]?.regionId ?? ''} withTime />
        {' '}{g.answer ? <Badge tone="success">{T.console.similar.groupAnswered}</Badge> : <Badge tone="warning">{G.awaitingAnswer}</Badge>}
      </p>
      <CaseList cases={g.cases} reached={reached} />
      {waiting.length > 0 && (
        <p><a href={href(`/cases/${encodeURIComponent(waiting[0].id)}`)}>{G.answerAt(waiting[0].id)}</a></p>
      )}
    </article>
  );
}
