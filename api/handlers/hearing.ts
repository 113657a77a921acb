// Public hearings (domain/participation/hearing.ts): the hearing as the public sees it, registrations,
// the protocol and the conclusion. The event itself is the shared events API (api/handlers/participation.ts).
import {
  hearingRegistrations, publishHearingDocument, registerForHearing, visibleHearing,
} from '../../domain/participation/hearing';
import type { Handlers } from '../routes';
import { temporalContext } from './cases';

type PublishContext = Parameters<Handlers['publishHearingProtocol']>[0];

async function publish({ input, user, deps }: PublishContext, action: 'protocol' | 'conclusion') {
  const key = (input.headers as { 'Idempotency-Key'?: string } | undefined)?.['Idempotency-Key'];
  return { status: 200, body: await publishHearingDocument(temporalContext(deps), user, input.params.eventId, action, input.body, key) };
}

export const hearingHandlers = {
  async getHearing({ input, user, deps }) {
    return { status: 200, body: await visibleHearing(deps.db, user, input.params.eventId) };
  },

  async registerForHearing({ input, user, deps }) {
    return { status: 201, body: await registerForHearing(deps.db, user, input.params.eventId, input.body) };
  },

  async listHearingRegistrations({ input, user, deps }) {
    return { status: 200, body: await hearingRegistrations(deps.db, user, input.params.eventId) };
  },

  publishHearingProtocol: (ctx) => publish(ctx, 'protocol'),
  publishHearingConclusion: (ctx) => publish(ctx as unknown as PublishContext, 'conclusion'),
} satisfies Partial<Handlers>;
