// The webhook delivery workflow's input and outcome, shared by the workflow, its activities and the
// fan-out that starts it (ops/webhook-fanout.ts).

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** Failure types of the deliverWebhook activity. */
export const WEBHOOK_FAILURE = {
  /** One attempt failed (non-2xx, timeout, network): retried with backoff. */
  attemptFailed: 'WebhookAttemptFailed',
  /** The attempt found the subscription failing for longer than the pause threshold and paused it. */
  paused: 'WebhookSubscriptionPaused',
} as const;

export interface WebhookDeliveryInput {
  deliveryId: string;
  /** Which run of the delivery this workflow is (0 = first, then one per replay or resume). */
  run: number;
  retry: { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };
  pauseAfterMs: number;
  timeoutMs: number;
}

/**
 * delivered: a 2xx answer; held: the subscription is paused (waits for resume or replay); failed:
 * retries exhausted; gone: the delivery or its subscription was deleted; superseded: a newer run of the
 * same delivery took over (replay or resume).
 */
export type WebhookDeliveryOutcome = 'delivered' | 'held' | 'failed' | 'gone' | 'superseded';

export function webhookDeliveryWorkflowId(deliveryId: string | number, run: number): string {
  return run === 0 ? `webhook-delivery-${deliveryId}` : `webhook-delivery-${deliveryId}-replay-${run}`;
}
