// One webhook delivery run: the deliverWebhook activity, retried by Temporal with exponential backoff
// (the schedule comes from the input, fixed when the run starts). Ends delivered, held (the activity
// paused the failing subscription), failed (attempts exhausted), gone or superseded.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { WebhookActivities } from '../../activities/webhook';
import { WEBHOOK_FAILURE, type WebhookDeliveryInput, type WebhookDeliveryOutcome } from './messages';

// Bookkeeping writes only touch PostgreSQL: keep retrying them, never lose an outcome.
const bookkeeping = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
  const { deliverWebhook } = proxyActivities<WebhookActivities>({
    // The HTTP timeout plus time for the bookkeeping around it.
    startToCloseTimeout: input.timeoutMs + 20_000,
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: input.retry.maximumIntervalMs,
      // 0 = no limit, which the SDK spells as leaving the field out.
      ...(input.retry.maximumAttempts > 0 ? { maximumAttempts: input.retry.maximumAttempts } : {}),
      nonRetryableErrorTypes: [WEBHOOK_FAILURE.paused],
    },
  });
  try {
    return await deliverWebhook(input);
  } catch (e) {
    const cause = e instanceof ActivityFailure ? e.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === WEBHOOK_FAILURE.paused) return 'held';
    if (!(e instanceof ActivityFailure)) throw e;
    // Retries exhausted: the log has every attempt; a replay starts a new run.
    return bookkeeping.markWebhookDeliveryFailed({ deliveryId: input.deliveryId, run: input.run });
  }
}
