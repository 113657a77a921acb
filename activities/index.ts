// All activities the worker registers, built around one database handle.
import type { Db } from '../db/connection';
import { createAppealActivities } from './appeal';
import { createParticipationActivities } from './participation';
import { createDiscussionActivities } from './discussion';
import { createHearingActivities } from './hearing';
import { createPollActivities } from './poll';
import { createVoteActivities } from './vote';
import { createWebhookActivities } from './webhook';

export function createActivities(db: Db) {
  return {
    ...createAppealActivities(db),
    ...createParticipationActivities(db),
    ...createDiscussionActivities(db),
    ...createHearingActivities(db),
    ...createPollActivities(db),
    ...createVoteActivities(db),
    ...createWebhookActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
