// All activities the worker registers, built around one database handle.
import type { Db } from '../db/connection';
import type { ParticipationType } from '../workflows/participation/lifecycle';
import { createAppealActivities } from './appeal';
import { createIncidentActivities } from './incident';
import { createParticipationActivities } from './participation';
import { createDiscussionActivities } from './discussion';
import { createHearingActivities } from './hearing';
import { createPollActivities } from './poll';
import { createVoteActivities } from './vote';
import { createWebhookActivities } from './webhook';
import { createPublicationActivities } from './publication';
import type { PageConnector } from '../domain/pages/connectors/types';
import { createReadinessSnapshotActivities } from './readiness-snapshot';

/**
 * Each participation type's own activities (activities/<type>.ts), by type: tsc refuses a type left out
 * or one the spec does not have. A type without activities of its own says so with null.
 */
const PARTICIPATION_TYPE_ACTIVITIES = {
  poll: createPollActivities,
  vote: createVoteActivities,
  discussion: createDiscussionActivities,
  hearing: createHearingActivities,
} satisfies { [T in ParticipationType]: ((db: Db) => object) | null };

/** The intersection of a union's members. */
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Every type's activities in one object. */
type AllTypeActivities = Intersection<ReturnType<NonNullable<(typeof PARTICIPATION_TYPE_ACTIVITIES)[ParticipationType]>>>;

function createParticipationTypeActivities(db: Db): AllTypeActivities {
  const factories: (((db: Db) => object) | null)[] = Object.values(PARTICIPATION_TYPE_ACTIVITIES);
  return Object.assign({}, ...factories.map((create) => create?.(db) ?? {})) as AllTypeActivities;
}

export interface ActivityOptions {
  /** Official pages' network connectors (default: those configured in the environment, domain/pages/config.ts). */
  pageConnectors?: ReadonlyMap<string, PageConnector>;
}

export function createActivities(db: Db, options: ActivityOptions = {}) {
  return {
    ...createAppealActivities(db),
    ...createIncidentActivities(db),
    ...createParticipationActivities(db),
    ...createParticipationTypeActivities(db),
    ...createWebhookActivities(db),
    ...createPublicationActivities(db, options.pageConnectors),
    ...createReadinessSnapshotActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
