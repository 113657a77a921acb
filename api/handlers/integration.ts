// Operations for document-management systems (СЭД): the change feed and the acknowledgement of a case's
// registration under the СЭД's own number. The other commands of a СЭД are the console's actions
// (api/handlers/actions.ts), which require an Idempotency-Key from integration clients.
import { acknowledgeRegistrationUpdate } from '../../workflows/appeal/messages';
import { readFeed, parseFeedTypes } from '../../domain/integration/feed';
import type { Handlers } from '../routes';
import { act, update } from './actions';

export const integrationHandlers = {
  acknowledgeRegistration: (ctx) =>
    act(ctx, 'acknowledgement', update(ctx, acknowledgeRegistrationUpdate, (actor) => ({
      actor, externalNumber: ctx.input.body.externalNumber, externalRegisteredAt: ctx.input.body.externalRegisteredAt,
    }))),

  readFeed: async (ctx) => {
    const { after, limit, wait, types } = ctx.input.query;
    const wanted = parseFeedTypes(types);
    // Stop waiting when the client hangs up: a long-poll holds no resources for nobody.
    const gone = new AbortController();
    ctx.res.once('close', () => gone.abort());
    const page = await readFeed(ctx.deps.db, ctx.user, { after, limit: limit ?? 100, types: wanted }, wait ?? 0, ctx.deps.shutdown ? AbortSignal.any([gone.signal, ctx.deps.shutdown]) : gone.signal);
    return { status: 200, body: page };
  },
} satisfies Partial<Handlers>;
