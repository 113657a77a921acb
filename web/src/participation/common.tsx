// Pieces every participation screen shares: the event's type and status badges, its dates and audience
// (territory names from the region's classifier), the citizen's standing, and what a refusal means.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, call } from '../api';
import { Badge, DateText, Notice, type BadgeTone } from '../components/ui';
import { errorsOf, FORM } from '../problems';
import { T } from '../text';
import type { MyEvent, Standing } from './model';

const P = T.participation;

const territoryNames = new Map<string, Promise<Map<string, string>>>();

/** The names of a region's territories, asked once per region. */
export function useTerritoryNames(regionId: string): Map<string, string> | undefined {
  const [names, setNames] = useState<Map<string, string>>();
  useEffect(() => {
    let names = territoryNames.get(regionId);
    if (!names) {
      names = call(() => api.GET('/regions/{regionId}/territories', { params: { path: { regionId } } }))
        .then((r) => new Map(r.items.map((t) => [t.id, t.name] as const)), () => new Map<string, string>());
      territoryNames.set(regionId, names);
    }
    void names.then(setNames);
  }, [regionId]);
  return names;
}

const STATUS_TONES: Record<string, BadgeTone> = { open: 'success', scheduled: 'info', closed: 'neutral', results_published: 'neutral', cancelled: 'warning' };

export function EventBadges({ e }: { e: MyEvent }) {
  return (
    <p class="badges">
      <Badge tone="info">{P.type[e.type]}</Badge>
      <Badge tone={STATUS_TONES[e.status] ?? 'neutral'}>{P.status[e.status]}</Badge>
      {e.extensions.length > 0 && <Badge tone="warning">{P.extended}</Badge>}
    </p>
  );
}

export function audienceText(e: MyEvent, names: Map<string, string> | undefined): string {
  const ids = e.audience.territoryIds ?? [];
  const who = ids.length === 0 ? P.audienceAll : P.audienceTerritories(ids.map((id) => names?.get(id) ?? id).join(', '));
  return e.audience.minAge ? `${who}, ${P.audienceAge(e.audience.minAge)}` : who;
}

export function EventFacts({ e, zone }: { e: MyEvent; zone: string }) {
  const names = useTerritoryNames(e.regionId);
  return (
    <dl class="facts facts--inline">
      <dt>{P.opens}</dt><dd><DateText iso={e.schedule.opensAt} timeZone={zone} withTime /></dd>
      <dt>{P.closes}</dt><dd><DateText iso={e.schedule.closesAt} timeZone={zone} withTime /></dd>
      <dt>{P.audience}</dt><dd>{audienceText(e, names)}</dd>
    </dl>
  );
}

/** The citizen's standing in one sentence: may take part, has taken part, or why not. */
export function standingText(s: Standing): string {
  if (s.participated) return P.standing.participated;
  switch (s.reason) {
    case 'territory': return P.standing.territory;
    case 'territory_unknown': return P.standing.territory_unknown;
    case 'age': return P.standing.age(s.minAge ?? 0);
    case 'birth_date_unknown': return P.standing.birth_date_unknown(s.minAge ?? 0);
    default: return P.standing.inAudience;
  }
}

export function StandingLine({ s }: { s: Standing }) {
  return <p class={`standing standing--${s.inAudience ? 'in' : 'out'}`}>{standingText(s)}</p>;
}

/** A refusal of a response, proposal or registration, in Russian. */
export function refusalText(e: unknown): string {
  if (e instanceof ApiError && e.status === 403) return P.refused.forbidden;
  if (e instanceof ApiError && e.status === 409) return P.refused.conflict;
  if (e instanceof ApiError && e.status === 422) return P.refused.unprocessable;
  return errorsOf(e)[FORM] ?? T.unexpected;
}

export function Refusal({ error }: { error: string | null }) {
  return error ? <Notice kind="error">{error}</Notice> : null;
}
