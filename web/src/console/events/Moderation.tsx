// The organiser's queues of an event: citizens' projects of a vote that accepts them, and proposals and comments of a
// discussion or hearing waiting for moderation, and the approved proposals waiting for an answer.
import { useState } from 'preact/hooks';
import { api, call, type Schemas } from '../../api';
import { TextArea } from '../../components/Field';
import { Button } from '../../components/ui';
import { T } from '../../text';
import { FailureNotice, Select } from '../components';
import { failure, useLoad, type Failure } from '../data';

const V = T.console.events;
type Proposal = Schemas['EventProposal'];

export function Moderation({ e }: { e: Schemas['EventDetail'] }) {
  if (e.type === 'vote') return (e.settings as { acceptsProjects?: boolean }).acceptsProjects ? <ProjectQueue eventId={e.id} /> : null;
  if (e.type === 'discussion' || e.type === 'hearing') return <ProposalQueues eventId={e.id} />;
  return null;
}

function ProjectQueue({ eventId }: { eventId: string }) {
  const projects = useLoad(() => call(() => api.GET('/events/{eventId}/projects', { params: { path: { eventId } } })), [eventId]);
  const [fail, setFail] = useState<Failure | null>(null);
  const pending = (projects.data?.items ?? []).filter((p: Schemas['VoteProject']) => p.status === 'pending');
  const decide = (projectId: string, decision: 'approved' | 'rejected') =>
    call(() => api.POST('/events/{eventId}/projects/{projectId}/moderation', { params: { path: { eventId, projectId } }, body: { decision, reason: V[decision === 'approved' ? 'approve' : 'reject'] } }))
      .then(projects.reload, (x) => setFail(failure(x)));
  return (
    <section class="card" aria-labelledby="projects-title">
      <h2 id="projects-title">{V.moderation}: {V.projectsQueue}</h2>
      <FailureNotice failure={fail} />
      {pending.length === 0 ? <p>{V.noPending}</p> : (
        <ul class="case-list">{pending.map((p) => (
          <li class="case-row"><strong>{p.name}</strong> <span class="hint">{p.cost}</span><p>{p.description}</p>
            <div class="actions"><Button onClick={() => void decide(p.id, 'approved')}>{V.approve}</Button><Button kind="secondary" onClick={() => void decide(p.id, 'rejected')}>{V.reject}</Button></div></li>
        ))}</ul>
      )}
    </section>
  );
}

function ProposalQueues({ eventId }: { eventId: string }) {
  const pending = useLoad(() => call(() => api.GET('/events/{eventId}/proposals', { params: { path: { eventId }, query: { status: 'pending' } } })), [eventId]);
  const unanswered = useLoad(() => call(() => api.GET('/events/{eventId}/proposals', { params: { path: { eventId }, query: { status: 'approved', answered: false } } })), [eventId]);
  const [fail, setFail] = useState<Failure | null>(null);
  const moderate = (proposalId: number, decision: 'approve' | 'reject') =>
    call(() => api.POST('/events/{eventId}/proposals/{proposalId}/moderation', { params: { path: { eventId, proposalId } }, body: { decision } }))
      .then(() => { pending.reload(); unanswered.reload(); }, (x) => setFail(failure(x)));
  return (
    <>
      <section class="card" aria-labelledby="proposals-title">
        <h2 id="proposals-title">{V.moderation}: {V.proposalsQueue}</h2>
        <FailureNotice failure={fail} />
        {(pending.data?.items ?? []).length === 0 ? <p>{V.noPending}</p> : (
          <ul class="case-list">{pending.data!.items.map((p) => (
            <li class="case-row"><ProposalHead p={p} /><p class="prose">{p.text}</p>
              <div class="actions"><Button onClick={() => void moderate(p.id, 'approve')}>{V.approve}</Button><Button kind="secondary" onClick={() => void moderate(p.id, 'reject')}>{V.reject}</Button></div></li>
          ))}</ul>
        )}
      </section>
      <section class="card" aria-labelledby="answers-title">
        <h2 id="answers-title">{V.answers}</h2>
        {(unanswered.data?.items ?? []).length === 0 ? <p>{V.noUnanswered}</p> : (
          <ul class="case-list">{unanswered.data!.items.map((p) => <li class="case-row"><ProposalHead p={p} /><p class="prose">{p.text}</p><AnswerProposal eventId={eventId} p={p} onDone={unanswered.reload} /></li>)}</ul>
        )}
      </section>
    </>
  );
}

function ProposalHead({ p }: { p: Proposal }) {
  return <p class="hint">{V.point(p.pointNumber)} · {p.kind === 'comment' ? V.kindComment : V.kindProposal}</p>;
}

function AnswerProposal({ eventId, p, onDone }: { eventId: string; p: Proposal; onDone: () => void }) {
  const [answer, setAnswer] = useState('accepted');
  const [reason, setReason] = useState('');
  const [fail, setFail] = useState<Failure | null>(null);
  const submit = () => call(() => api.POST('/events/{eventId}/proposals/{proposalId}/answer', {
    params: { path: { eventId, proposalId: p.id } }, body: { answer: answer as Schemas['ProposalAnswerKind'], reason: reason.trim() },
  })).then(onDone, (x) => setFail(failure(x)));
  return (
    <form onSubmit={(x) => { x.preventDefault(); void submit(); }}>
      <Select id={`answer-kind-${p.id}`} label={V.answerKind} value={answer} onChange={setAnswer} options={Object.entries(V.answerKinds)} />
      <TextArea id={`answer-reason-${p.id}`} label={V.reason} value={reason} onInput={setReason} required rows={2} maxLength={10000} />
      <Button type="submit">{T.console.actions.send}</Button>
      <FailureNotice failure={fail} />
    </form>
  );
}
