// The case's timeline as staff read it: every event with its date, who acted (role) and what it carried
// (reason, ground, days, rating).
import type { CaseDetail } from '../../api';
import { T } from '../../text';
import { RegionDate } from '../components';

export function CaseTimeline({ c }: { c: CaseDetail }) {
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{T.console.case.timeline}</h2>
      <ol class="timeline" data-testid="timeline">
        {c.timeline.map((e) => {
          const d = e.details as Record<string, unknown>;
          const extra = [
            typeof d.ground === 'string' ? T.noAnswerGround[d.ground] : '',
            typeof d.reason === 'string' ? d.reason : '',
            typeof d.days === 'number' ? `+${d.days} дн.` : '',
            typeof d.rating === 'number' ? `${T.cases.ratingTitle}: ${d.rating}` : '',
          ].filter(Boolean).join('; ');
          return (
            <li>
              <RegionDate iso={e.at} regionId={c.regionId} withTime /> — {T.event[e.type] ?? e.type}
              {e.actor && <span class="hint"> ({T.console.roles[e.actor.role] ?? e.actor.role})</span>}
              {extra && `: ${extra}`}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
