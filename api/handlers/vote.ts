// Votes: their own operations (domain/participation/vote.ts; the events core takes their rules from
// the vote's manifest): citizens' projects with moderation, the implementation of the winners, and the
// pabulib export.
import {
  listVoteProjects, moderateVoteProject, submitVoteProject, votePabulibFile,
} from '../../domain/participation/vote';
import { recordImplementation } from '../../domain/participation/implementation';
import type { Handlers } from '../routes';

export const voteHandlers = {
  async listEventProjects({ input, user, deps }) {
    return { status: 200, body: { items: await listVoteProjects(deps.db, user, input.params.eventId) } };
  },

  async submitEventProject({ input, user, deps }) {
    return { status: 201, body: await submitVoteProject(deps.db, user, input.params.eventId, input.body) };
  },

  async moderateEventProject({ input, user, deps }) {
    return { status: 200, body: await moderateVoteProject(deps.db, user, input.params.eventId, input.params.projectId, input.body) };
  },

  async recordProjectImplementation({ input, user, deps }) {
    return { status: 200, body: await recordImplementation(deps.db, user, input.params.eventId, input.params.projectId, input.body) };
  },

  async exportEventPabulib({ input, user, deps }) {
    const { fileName, text } = await votePabulibFile(deps.db, user, input.params.eventId);
    return {
      status: 200, text,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="${fileName}"` },
    };
  },
} satisfies Partial<Handlers>;
