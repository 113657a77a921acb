// Monitoring for the regional management center: indicators of cases and of participation, winning
// projects, the rating's configuration, the live quarterly rating and its published snapshots
// (domain/monitoring/). Region scoping is in the domain (domain/monitoring/scope.ts). The tables answer
// JSON or, with ?format=csv|xlsx, an audited file (api/export.ts).
import { reportReply } from '../export';
import { ALL_INDICATORS } from '../../domain/monitoring/definitions';
import { caseIndicatorTable } from '../../domain/monitoring/indicators';
import { caseIndicatorSheets, participationSheets, ratingSheets, winningProjectSheets } from '../../domain/monitoring/indicator-sheets';
import { participationTable, winningProjects } from '../../domain/monitoring/participation';
import { getRatingConfig, getSnapshot, listSnapshots, liveRating, publishSnapshot, putRatingConfig } from '../../domain/monitoring/rating';
import type { Handlers } from '../routes';

export const monitoringHandlers = {
  async listIndicatorDefinitions() {
    return { status: 200, body: { items: [...ALL_INDICATORS] } };
  },

  async getCaseIndicators(ctx) {
    const table = await caseIndicatorTable(ctx.deps.db, ctx.user, ctx.input.query);
    return reportReply(ctx, table, { report: 'indicators', regionId: table.scope.regionId, sheets: () => caseIndicatorSheets(table) });
  },

  async getParticipationIndicators(ctx) {
    const table = await participationTable(ctx.deps.db, ctx.user, ctx.input.query);
    return reportReply(ctx, table, { report: 'participation', regionId: table.scope.regionId, sheets: () => participationSheets(table) });
  },

  async listWinningProjects(ctx) {
    const table = await winningProjects(ctx.deps.db, ctx.user, ctx.input.query);
    return reportReply(ctx, table, { report: 'projects', regionId: table.scope.regionId, sheets: () => winningProjectSheets(table) });
  },

  async getRatingConfig({ input, user, deps }) {
    return { status: 200, body: await getRatingConfig(deps.db, user, input.params.regionId) };
  },

  async putRatingConfig({ input, user, deps }) {
    return { status: 200, body: await putRatingConfig(deps.db, user, input.params.regionId, input.body) };
  },

  async getRating(ctx) {
    const { format: _format, ...query } = ctx.input.query;
    const table = await liveRating(ctx.deps.db, ctx.user, { regionId: ctx.input.params.regionId, ...query });
    return reportReply(ctx, table, { report: `rating-${table.subject}-${table.quarter}`, regionId: table.regionId, sheets: () => ratingSheets(table) });
  },

  async listRatingSnapshots({ input, user, deps }) {
    return { status: 200, body: { items: await listSnapshots(deps.db, user, input.query) } };
  },

  async publishRatingSnapshot({ input, user, deps }) {
    const snapshot = await publishSnapshot(deps.db, user, input.body);
    return { status: 201, body: snapshot, headers: { Location: `/monitoring/rating/snapshots/${snapshot.id}` } };
  },

  async getRatingSnapshot(ctx) {
    const snapshot = await getSnapshot(ctx.deps.db, ctx.user, ctx.input.params.snapshotId);
    return reportReply(ctx, snapshot, { report: `rating-${snapshot.subject}-${snapshot.quarter}-snapshot-${snapshot.id}`, regionId: snapshot.regionId, sheets: () => ratingSheets(snapshot) });
  },
} satisfies Partial<Handlers>;
