// After registration: the number, and the answer term as a date of the region (accelerated terms said as
// such; where the accelerated term only advises, the binding term and the advisory target beside it).
import type { CaseDetail } from '../api';
import { Button, DateText } from '../components/ui';
import { href } from '../router';
import { T } from '../text';

export function Submitted({ registered, timeZone, onAnother }: { registered: CaseDetail; timeZone: string; onAnother: () => void }) {
  return (
    <section class="card card--success" aria-labelledby="submitted-title">
      <h1 id="submitted-title">{T.submitted.title}</h1>
      <dl class="facts">
        <dt>{T.submitted.number}</dt>
        <dd class="number" data-testid="case-number">{registered.id}</dd>
        <dt>{T.submitted.due}</dt>
        <dd>
          {registered.answerDueAt ? <strong><DateText iso={registered.answerDueAt} timeZone={timeZone} /></strong> : T.submitted.noTerm}
          {registered.accelerated && !registered.termAdvisory && registered.termDays !== null && <p>{T.submitted.dueAccelerated(registered.termDays)}</p>}
          {registered.advisoryDueAt && <p class="hint">{T.submitted.dueAdvisory} <DateText iso={registered.advisoryDueAt} timeZone={timeZone} /></p>}
        </dd>
      </dl>
      <p>{T.submitted.follow}</p>
      <p class="actions">
        <a class="button button--primary" href={href(`/cases/${encodeURIComponent(registered.id)}`)}>{T.submitted.open}</a>
        <Button kind="secondary" onClick={onAnother}>{T.submitted.another}</Button>
      </p>
    </section>
  );
}
