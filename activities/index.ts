// All activities the worker registers, built around one database handle.
import type { Db } from '../db/connection';
import { createAppealActivities } from './appeal';
import { createParticipationActivities } from './participation';

export function createActivities(db: Db) {
  return {
    ...createAppealActivities(db),
    ...createParticipationActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
