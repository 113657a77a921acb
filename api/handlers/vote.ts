// Votes: their rules plugged into the events core (domain/participation/vote.ts), and their own
// operations: citizens' projects with moderation, and the pabulib export.
import {
  listVoteProjects, moderateVoteProject, submitVoteProject, voteRules, votePabulibFile,
} from '../../domain/participation/vote';
import { registerParticipationType } from '../../domain/participation/registry';
import type { Handlers } from '../routes';

registerParticipationType('vote', voteRules);

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

  async exportEventPabulib({ input, user, deps }) {
    const { fileName, text } = await votePabulibFile(deps.db, user, input.params.eventId);
    return {
      status: 200, text,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="${fileName}"` },
    };
  },
} satisfies Partial<Handlers>;
