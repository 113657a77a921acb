// Results once they are visible: for a poll, each question's answers as bars with their counts and
// shares written out (the bars are decoration; the numbers are the text); for a vote, the winners and
// every project with its votes, cost and a one-line explanation of why it won or not.
import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api';
import { Badge, Loading, Notice } from '../components/ui';
import { errorsOf, FORM } from '../problems';
import { T } from '../text';
import { explainProject } from './explain';
import { projectOutcomes, type MyEvent, type PollQuestionResult, type PollResults, type VoteResults } from './model';
import { counted, formatMoney, formatNumber, formatShare } from './words';

const R = T.participation.results;

export function EventResults({ e }: { e: MyEvent }) {
  const [results, setResults] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call(() => api.GET('/events/{eventId}/results', { params: { path: { eventId: e.id } } }))
      .then((r) => setResults(r.results), (err) => setError(errorsOf(err)[FORM] ?? T.unexpected));
  }, [e.id, e.status]);
  return (
    <section aria-labelledby="results-title" class="results-section">
      <h2 id="results-title">{R.title}</h2>
      {error ? <Notice kind="error">{error}</Notice> : !results ? <Loading /> : e.type === 'poll'
        ? <PollResultsView r={results as PollResults} />
        : <VoteResultsView r={results as VoteResults} />}
    </section>
  );
}

/** One bar: the label, the bar (hidden from screen readers) and the numbers as text. */
function Bar({ label, count, share, highlight }: { label: string; count: number; share: number; highlight?: boolean }) {
  return (
    <li class="bar">
      <span class="bar__label">{label}</span>
      <span class="bar__track" aria-hidden="true"><span class={`bar__fill${highlight ? ' bar__fill--win' : ''}`} style={{ width: `${Math.round(share * 1000) / 10}%` }} /></span>
      <span class="bar__value">{formatNumber(count)} ({formatShare(share)})</span>
    </li>
  );
}

/** A project's votes: the bar (decoration) and "6 голосов (60 % участников)" as text. */
function VotesBar({ votes, share, won }: { votes: number; share: number; won: boolean }) {
  return (
    <p class="bar bar--solo">
      <span class="bar__track" aria-hidden="true"><span class={`bar__fill${won ? ' bar__fill--win' : ''}`} style={{ width: `${Math.round(share * 1000) / 10}%` }} /></span>
      <span class="bar__value">{R.votesOf(counted(votes, R.votes), formatShare(share))}</span>
    </p>
  );
}

function withPaper(total: number, paper: number, forms: [string, string, string]): string {
  return paper > 0 ? `${counted(total, forms)}, ${R.paper(formatNumber(paper))}` : counted(total, forms);
}

function PollResultsView({ r }: { r: PollResults }) {
  return (
    <>
      <p>{R.total(withPaper(r.respondents.total, r.respondents.offline, R.respondents))}</p>
      {r.questions.map((q, i) => <QuestionResult key={q.id} q={q} n={i + 1} />)}
    </>
  );
}

function QuestionResult({ q, n }: { q: PollQuestionResult; n: number }) {
  const top = Math.max(0, ...(q.options ?? []).map((o) => o.total));
  return (
    <section class="result-block" aria-labelledby={`rq-${q.id}`}>
      <h3 id={`rq-${q.id}`}>{n}. {q.text}</h3>
      <p class="hint">{R.answered(counted(q.answered.total, R.respondents))}</p>
      {q.options && (
        <ul class="bars" aria-labelledby={`rq-${q.id}`}>
          {q.options.map((o) => <Bar key={o.id} label={o.text} count={o.total} share={o.share} highlight={o.total === top && top > 0} />)}
        </ul>
      )}
      {q.scale && (
        <>
          <ul class="bars bars--scale" aria-labelledby={`rq-${q.id}`}>
            {q.scale.values.map((v) => <Bar key={v.value} label={String(v.value)} count={v.total} share={v.share} />)}
          </ul>
          {q.scale.average !== null && <p>{R.average(new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 2 }).format(q.scale.average))}</p>}
        </>
      )}
      {q.texts && (
        <>
          <p>{R.texts(formatNumber(q.texts.count.total))}</p>
          <ul class="texts">{q.texts.items.slice(0, 50).map((t, i) => <li key={i} class="quote">{t}</li>)}</ul>
          {(q.texts.truncated || q.texts.items.length > 50) && <p class="hint">{R.textsTruncated}</p>}
        </>
      )}
    </section>
  );
}

function VoteResultsView({ r }: { r: VoteResults }) {
  const outcomes = projectOutcomes(r);
  const top = Math.max(1, ...r.projects.map((p) => p.votes));
  const voters = r.participants.total;
  const names = new Map(r.projects.map((p) => [p.id, p.name ?? p.id] as const));
  return (
    <>
      <p>{R.total(withPaper(voters, r.participants.offline, R.respondents))}</p>
      <p class="hint">{R.rule[r.rule]}</p>
      <h3>{R.winners}</h3>
      <ol class="winners">{r.winners.map((id) => <li key={id}>{names.get(id)}</li>)}</ol>
      {r.budget !== null && <p>{R.spent(formatMoney(r.spent), formatMoney(r.budget))}</p>}
      <h3>{R.allProjects}</h3>
      <ol class="outcomes">
        {outcomes.map((o) => (
          <li key={o.project.id} class={`outcome${o.project.selected ? ' outcome--won' : ''}`}>
            <p class="outcome__head">
              <span class="project__name">{o.project.name ?? o.project.id}</span>
              <Badge tone={o.project.selected ? 'success' : 'neutral'}>{o.project.selected ? R.won : R.lost}</Badge>
            </p>
            <p class="project__cost">{T.participation.vote.cost(formatMoney(o.project.cost))}</p>
            <VotesBar votes={o.project.votes} share={voters > 0 ? o.project.votes / voters : o.project.votes / top} won={o.project.selected} />
            <p class="outcome__why">{explainProject(o, r)}</p>
          </li>
        ))}
      </ol>
    </>
  );
}
