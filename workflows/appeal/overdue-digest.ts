// The supervisors' digest of overdue appeals: one run per tick of a Temporal schedule
// (ops/overdue-digest.ts), which gathers each region's waiting overdue notices into one mail per
// supervisor (domain/cases/overdue-digest.ts composeOverdueDigests). The schedule skips a tick while a run is
// still going, and the activity is idempotent (a notice joins exactly one digest, in the transaction that
// queues the digest's mails), so a retry or a crash never sends a digest twice.
import { proxyActivities } from '@temporalio/workflow';
import type { AppealActivities } from '../../activities/appeal';
import type { OverdueDigestSettings } from './messages';

const { composeOverdueDigests } = proxyActivities<AppealActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Composes the digests that are due now; returns how many were queued. */
export async function overdueDigestWorkflow(settings: OverdueDigestSettings): Promise<number> {
  return composeOverdueDigests(settings);
}
