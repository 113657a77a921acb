// Monitoring for the regional management center: indicators of cases and of participation, winning
// projects, the rating's configuration, the live quarterly rating and its published snapshots
// (domain/monitoring/). Region scoping is in the domain (domain/monitoring/scope.ts).
import { ALL_INDICATORS } from '../../domain/monitoring/definitions';
import { caseIndicatorTable } from '../../domain/monitoring/indicators';
import { participationTable, winningProjects } from '../../domain/monitoring/participation';
import { getRatingConfig, getSnapshot, listSnapshots, liveRating, publishSnapshot, putRatingConfig } from '../../domain/monitoring/rating';
import type { Handlers } from '../routes';

export const monitoringHandlers = {
  async listIndicatorDefinitions() {
    return { status: 200, body: { items: [...ALL_INDICATORS] } };
  },

  async getCaseIndicators({ input, user, deps }) {
    return { status: 200, body: await caseIndicatorTable(deps.db, user, input.query) };
  },

  async getParticipationIndicators({ input, user, deps }) {
    return { status: 200, body: await participationTable(deps.db, user, input.query) };
  },

  async listWinningProjects({ input, user, deps }) {
    return { status: 200, body: await winningProjects(deps.db, user, input.query) };
  },

  async getRatingConfig({ input, user, deps }) {
    return { status: 200, body: await getRatingConfig(deps.db, user, input.params.regionId) };
  },

  async putRatingConfig({ input, user, deps }) {
    return { status: 200, body: await putRatingConfig(deps.db, user, input.params.regionId, input.body) };
  },

  async getRating({ input, user, deps }) {
    return { status: 200, body: await liveRating(deps.db, user, { regionId: input.params.regionId, ...input.query }) };
  },

  async listRatingSnapshots({ input, user, deps }) {
    return { status: 200, body: { items: await listSnapshots(deps.db, user, input.query) } };
  },

  async publishRatingSnapshot({ input, user, deps }) {
    const snapshot = await publishSnapshot(deps.db, user, input.body);
    return { status: 201, body: snapshot, headers: { Location: `/monitoring/rating/snapshots/${snapshot.id}` } };
  },

  async getRatingSnapshot({ input, user, deps }) {
    return { status: 200, body: await getSnapshot(deps.db, user, input.params.snapshotId) };
  },
} satisfies Partial<Handlers>;
