// Webhook subscriptions and their delivery log (api/webhooks/). Roles and scopes are the operations'
// x-otklik-roles and x-otklik-scopes; which subscriptions a caller manages is decided in
// domain/integration/webhook-subscriptions.ts.
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../routes';
import { webhookConfigFromEnv } from '../../domain/integration/webhook-policy';
import { secretsOf } from '../../domain/outbound/webhook/signature';
import * as webhooks from '../../domain/integration/webhook-subscriptions';
import { httpWebhookTransport } from '../../domain/outbound/webhook/transport';

export const webhookHandlers = {
  createWebhookSubscription: async ({ deps, user, input }) => {
    const body = await webhooks.createSubscription(deps.db, user, input.body);
    return { status: 201, body, headers: { Location: `/webhooks/subscriptions/${body.id}` } };
  },
  listWebhookSubscriptions: async ({ deps, user, input }) => ({
    status: 200, body: { items: await webhooks.listSubscriptions(deps.db, user, input.query) },
  }),
  getWebhookSubscription: async ({ deps, user, input }) => ({
    status: 200, body: webhooks.toSubscription(await webhooks.managedSubscription(deps.db, user, input.params.subscriptionId)),
  }),
  updateWebhookSubscription: async ({ deps, user, input }) => ({
    status: 200, body: await webhooks.updateSubscription(deps.db, user, input.params.subscriptionId, input.body),
  }),
  deleteWebhookSubscription: async ({ deps, user, input }) => {
    await webhooks.deleteSubscription(deps.db, user, input.params.subscriptionId);
    return { status: 204 };
  },
  rotateWebhookSecret: async ({ deps, user, input }) => ({
    status: 200, body: await webhooks.rotateSecret(deps.db, user, input.params.subscriptionId),
  }),
  resumeWebhookSubscription: async ({ deps, user, input }) => ({
    status: 200, body: await webhooks.resumeSubscription(deps.db, user, input.params.subscriptionId),
  }),
  pingWebhookSubscription: async ({ deps, user, input }) => {
    const sub = await webhooks.managedSubscription(deps.db, user, input.params.subscriptionId);
    const body = JSON.stringify({ eventId: null, type: 'webhook.ping', subscriptionId: Number(sub.id), occurredAt: new Date().toISOString() });
    const outcome = await httpWebhookTransport({ timeoutMs: webhookConfigFromEnv().config.policy.timeoutMs })
      .send({ url: sub.url, deliveryId: `ping-${randomUUID()}`, eventType: 'webhook.ping', body, ...secretsOf(sub) });
    return { status: 200, body: outcome };
  },
  listWebhookDeliveries: async ({ deps, user, input }) => ({
    status: 200, body: await webhooks.listDeliveries(deps.db, user, input.params.subscriptionId, input.query),
  }),
  getWebhookDelivery: async ({ deps, user, input }) => ({
    status: 200, body: await webhooks.getDelivery(deps.db, user, input.params.subscriptionId, input.params.deliveryId),
  }),
  replayWebhookDelivery: async ({ deps, user, input }) => ({
    status: 202, body: await webhooks.replayDelivery(deps.db, user, input.params.subscriptionId, input.params.deliveryId),
  }),
} satisfies Partial<Handlers>;
