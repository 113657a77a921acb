// A vote's ballot: one fieldset of projects with their cost (the organiser's and approved citizens'
// projects), radios for a single choice, checkboxes for approval (up to N) and budget ballots. A budget
// ballot keeps a running total against its budget, announced to screen readers as it changes. Before
// the vote opens, or for someone who cannot vote, the projects are listed without controls.
import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api';
import { Badge, Button, Loading, Notice } from '../components/ui';
import { T } from '../text';
import { refusalText } from './common';
import {
  ballotLimit, ballotMaxChoices, ballotMinimum, ballotProblem, ballotTotal, voteSettings, type MyEvent, type VoteProject, type VoteSettings,
} from './model';
import { formatMoney } from './words';

const P = T.participation;

export function VoteBallot({ e, open, onDone }: { e: MyEvent; open: boolean; onDone: () => void }) {
  const [projects, setProjects] = useState<VoteProject[] | null>(null);
  useEffect(() => {
    call(() => api.GET('/events/{eventId}/projects', { params: { path: { eventId: e.id } } }))
      .then((r) => setProjects(r.items.filter((p) => p.status === 'approved')), () => setProjects([]));
  }, [e.id]);
  if (!projects) return <Loading />;
  if (projects.length === 0) return <p>{P.vote.noProjects}</p>;
  if (open) return <Ballot e={e} projects={projects} onDone={onDone} />;
  if (e.resultsVisible) return null;
  return (
    <section aria-labelledby="projects-title">
      <h2 id="projects-title">{P.vote.ballot}</h2>
      <ul class="projects">{projects.map((p) => <li key={p.id} class="project"><ProjectText p={p} /></li>)}</ul>
    </section>
  );
}

function ProjectText({ p, labelFor }: { p: VoteProject; labelFor?: string }) {
  return (
    <div class="project__text">
      {labelFor ? <label for={labelFor} class="project__name">{p.name}</label> : <span class="project__name">{p.name}</span>}
      <span class="project__cost" id={labelFor ? `${labelFor}-cost` : undefined}>{P.vote.cost(formatMoney(p.cost))}</span>
      {p.source === 'citizen' && <span><Badge tone="neutral">{P.vote.byCitizen}</Badge></span>}
      {p.description && <p class="hint">{p.description}</p>}
    </div>
  );
}

function legendOf(s: VoteSettings): string {
  if (s.kind === 'single_choice') return P.vote.singleLegend;
  if (s.kind === 'budget') return P.vote.budgetLegend(formatMoney(ballotLimit(s) ?? 0));
  return P.vote.approvalLegend(s.maxApprovals);
}

/** The running total of a budget ballot, or the count of an approval ballot: one live sentence. */
function tally(s: VoteSettings, projects: VoteProject[], chosen: Set<string>): string {
  const limit = ballotLimit(s);
  if (limit === null) return P.vote.chosen(chosen.size, ballotMaxChoices(s));
  const total = ballotTotal(projects, chosen);
  if (total > limit) return P.vote.over(formatMoney(total), formatMoney(limit), formatMoney(total - limit));
  return P.vote.total(formatMoney(total), formatMoney(limit), formatMoney(limit - total));
}

function Ballot({ e, projects, onDone }: { e: MyEvent; projects: VoteProject[]; onDone: () => void }) {
  const s = voteSettings(e);
  const single = s.kind === 'single_choice';
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (id: string) => {
    setProblem(null);
    setChosen((old) => {
      if (single) return new Set([id]);
      const next = new Set(old);
      if (next.has(id)) next.delete(id); else next.add(id);
      return next;
    });
  };
  const send = async (ev: Event) => {
    ev.preventDefault();
    const found = ballotProblem(s, projects, chosen);
    if (found) {
      setProblem(P.vote.problem[found]);
      return document.getElementById('ballot')?.focus();
    }
    setBusy(true);
    try {
      await call(() => api.POST('/events/{eventId}/responses', { params: { path: { eventId: e.id } }, body: { approved: [...chosen] } }));
      onDone();
    } catch (err) {
      setRefusal(refusalText(err));
    } finally {
      setBusy(false);
    }
  };
  const minimum = ballotMinimum(s);
  const describedBy = [single ? '' : 'ballot-tally', minimum > 0 ? 'ballot-minimum' : '', problem ? 'ballot-problem' : ''].filter(Boolean).join(' ');
  return (
    <form class="form" onSubmit={send} noValidate aria-labelledby="ballot-title">
      <h2 id="ballot-title">{P.vote.ballot}</h2>
      <p class="hint">{P.once}</p>
      <fieldset class={`group ballot${problem ? ' field--error' : ''}`} id="ballot" tabIndex={-1} aria-describedby={describedBy}>
        <legend>{legendOf(s)}</legend>
        {minimum > 0 && <p class="hint" id="ballot-minimum">{P.vote.minimum(formatMoney(minimum))}</p>}
        <ul class="projects">
          {projects.map((p) => {
            const id = `project-${p.id}`;
            return (
              <li key={p.id} class={`project project--choice${chosen.has(p.id) ? ' project--chosen' : ''}`}>
                <input id={id} type={single ? 'radio' : 'checkbox'} name="ballot" checked={chosen.has(p.id)} onChange={() => toggle(p.id)}
                  aria-describedby={`${id}-cost`} />
                <ProjectText p={p} labelFor={id} />
              </li>
            );
          })}
        </ul>
        {!single && <p class="tally" id="ballot-tally" aria-live="polite" aria-atomic="true">{tally(s, projects, chosen)}</p>}
        {problem && <p class="error" id="ballot-problem" role="alert">{problem}</p>}
      </fieldset>
      {refusal && <Notice kind="error">{refusal}</Notice>}
      <div class="actions"><Button type="submit" busy={busy}>{P.vote.submit}</Button></div>
    </form>
  );
}
