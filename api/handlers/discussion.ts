// Discussions of draft documents: the draft's points and versions, proposals and comments with their
// moderation and answers, and the final summary. The event itself (create, publish, extend, cancel)
// is the shared events API (api/handlers/participation.ts), with the discussion's manifest.
import { publishSummaryUpdate, reviseDraftUpdate } from '../../workflows/discussion/messages';
import { problems } from '../../domain/problem';
import type { Handlers } from '../routes';
import { actorOf } from '../../domain/cases/commands';
import {
  answerProposal, discussionDraft, discussionSummary, listProposals, moderateProposal, requireType, submitProposal,
} from '../../domain/participation/discussion';
import { organisedEvent, visibleEvent } from '../../domain/participation/access';
import { runEventUpdate } from '../../domain/participation/commands';
import { waitForEventProjection } from '../../domain/participation/read-model';
import { temporalContext } from './cases';

function updateId(eventId: string, action: string, headers: unknown): string | undefined {
  const key = (headers as { 'Idempotency-Key'?: string } | undefined)?.['Idempotency-Key'];
  return key ? `${eventId}:${action}:${key}` : undefined;
}

export const discussionHandlers = {
  async getDiscussionPoints({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    requireType(row, ['discussion'], 'draft');
    return { status: 200, body: await discussionDraft(deps.db, row, input.query.version) };
  },

  async reviseDiscussionDraft({ input, user, deps }) {
    const row = await organisedEvent(deps.db, user, input.params.eventId);
    requireType(row, ['discussion'], 'draft');
    const state = await runEventUpdate(temporalContext(deps), row, reviseDraftUpdate,
      { actor: actorOf(user), text: input.body.text, ...(input.body.note !== undefined ? { note: input.body.note } : {}) },
      updateId(row.id, 'draft', input.headers));
    await waitForEventProjection(deps.db, row.id, state.seq);
    return { status: 200, body: await discussionDraft(deps.db, row) };
  },

  async submitEventProposal({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    return { status: 201, body: await submitProposal(deps.db, row, user, input.body) };
  },

  async listEventProposals({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    return { status: 200, body: await listProposals(deps.db, row, user, input.query) };
  },

  async moderateEventProposal({ input, user, deps }) {
    const row = await organisedEvent(deps.db, user, input.params.eventId);
    return { status: 200, body: await moderateProposal(deps.db, row, user, input.params.proposalId, input.body) };
  },

  async answerEventProposal({ input, user, deps }) {
    const row = await organisedEvent(deps.db, user, input.params.eventId);
    return { status: 200, body: await answerProposal(deps.db, row, user, input.params.proposalId, input.body) };
  },

  async publishDiscussionSummary({ input, user, deps }) {
    const row = await organisedEvent(deps.db, user, input.params.eventId);
    requireType(row, ['discussion'], 'summary');
    const state = await runEventUpdate(temporalContext(deps), row, publishSummaryUpdate, { actor: actorOf(user), text: input.body.text },
      updateId(row.id, 'summary', input.headers));
    const fresh = (await waitForEventProjection(deps.db, row.id, state.seq)) ?? row;
    if (fresh.last_seq < state.seq) throw problems.unavailable(`The summary of ${row.id} is published but not readable yet: read it with GET /events/${row.id}/summary shortly.`, 2);
    return { status: 200, body: discussionSummary(fresh) };
  },

  async getDiscussionSummary({ input, user, deps }) {
    const row = await visibleEvent(deps.db, user, input.params.eventId);
    requireType(row, ['discussion'], 'summary');
    return { status: 200, body: discussionSummary(row) };
  },
} satisfies Partial<Handlers>;

