// The publication workflow: one per post on an official page, its id publication-<uuid>. A draft waits
// for a second person's approval, then for its time (a reschedule moves the timer, a cancellation ends
// it), then is posted once through the page's network connector by the publishPost activity, retried by
// Temporal with back-off. Actions arrive as updates whose guard runs in the validator and again under the
// lock; every transition is projected into Postgres by an idempotent activity.
import {
  ActivityFailure, allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import { caseTypeKey, organisationKey, regionKey, statusKey } from '../search-attributes';
import type { PublicationActivities } from '../../activities/publication';
import { createExclusive } from '../shared/exclusive';
import { refusing } from '../shared/refusing';
import { approve, cancel, isDue, reschedule, startingPublication } from '../rules/publication';
import {
  approvePublicationUpdate, cancelPublicationUpdate, publicationCreatedUpdate, publicationIdempotencyKey,
  publicationStateQuery, reschedulePublicationUpdate,
  type PublicationInput, type PublicationState, type PublishOutcome,
} from './messages';

const projection = proxyActivities<PublicationActivities>({
  startToCloseTimeout: '10 seconds',
  // Postgres may be down for a while: keep retrying, never drop a transition.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Posts through the connector: transient failures are retried on the input's schedule; the rest end it. */
async function publish(input: PublicationInput): Promise<PublishOutcome> {
  const { publishPost } = proxyActivities<PublicationActivities>({
    // The call's own timeout plus the bookkeeping around it: a killed worker's attempt is retried soon after.
    startToCloseTimeout: input.delivery.timeoutMs + 3_000,
    retry: {
      initialInterval: input.delivery.retry.initialIntervalMs,
      maximumInterval: input.delivery.retry.maximumIntervalMs,
      backoffCoefficient: 2,
      maximumAttempts: input.delivery.retry.maximumAttempts,
    },
  });
  try {
    return await publishPost({ publicationId: input.publicationId, pageId: input.pageId, text: input.text, idempotencyKey: publicationIdempotencyKey(input.publicationId) });
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    return { status: 'failed', error: `retries exhausted; last error: ${e.cause?.message ?? e.message}` };
  }
}

export async function publicationWorkflow(input: PublicationInput): Promise<PublicationState> {
  let state = startingPublication(input);
  const lock = createExclusive();
  const now = () => new Date().toISOString(); // workflow time: deterministic, replay-safe

  /** The next state, numbered and projected; runs under the lock. */
  const project = async (next: PublicationState) => {
    state = { ...next, seq: state.seq + 1 };
    await projection.projectPublication({ input, state, occurredAt: now() });
    // For ops, as cases have them: every publication of an organisation, or every one stuck publishing.
    upsertSearchAttributes([
      { key: caseTypeKey, value: 'publication' }, { key: statusKey, value: state.status },
      { key: organisationKey, value: input.organisationId }, { key: regionKey, value: input.regionId },
    ]);
  };
  const transition = (decide: (s: PublicationState) => PublicationState) => lock.run(async () => {
    await project(refusing(() => decide(state)));
    return state;
  });

  setHandler(publicationStateQuery, () => state);
  let created = false;
  setHandler(publicationCreatedUpdate, async () => {
    await condition(() => created);
    return state;
  });
  setHandler(approvePublicationUpdate, (args) => transition((s) => approve(s, args, now())),
    { validator: (args) => { refusing(() => approve(state, args, now())); } });
  setHandler(reschedulePublicationUpdate, (args) => transition((s) => reschedule(s, args)),
    { validator: (args) => { refusing(() => reschedule(state, args)); } });
  setHandler(cancelPublicationUpdate, (args) => transition((s) => cancel(s, args)),
    { validator: (args) => { refusing(() => cancel(state, args)); } });

  await lock.run(() => project(state));
  created = true;

  // Wait for approval (or cancellation), then for the time, which a reschedule may move.
  while (state.status === 'draft' || state.status === 'scheduled') {
    const seqBefore = state.seq;
    const changed = () => state.seq !== seqBefore && !lock.locked;
    if (state.status === 'draft') {
      await condition(changed);
      continue;
    }
    if (await condition(changed, Math.max(1, Date.parse(state.publishAt) - Date.now()))) continue;
    await lock.run(async () => {
      if (isDue(state, now())) await project({ ...state, status: 'publishing' });
    });
  }

  if (state.status === 'publishing') {
    const outcome = await publish(input);
    await lock.run(() => project(outcome.status === 'published'
      ? { ...state, status: 'published', networkPostId: outcome.networkPostId, networkPostUrl: outcome.networkPostUrl, publishedAt: outcome.publishedAt, error: null }
      : { ...state, status: 'failed', error: outcome.error }));
  }
  // Let in-flight updates reply (they are refused now), then finish with the final state.
  await condition(allHandlersFinished);
  return state;
}
