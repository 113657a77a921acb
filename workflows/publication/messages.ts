// The publication workflow's messages, shared by the workflow and every client (API, tests), as the
// appeal's are (workflows/appeal/messages.ts): one definition, so a rename cannot split the two sides.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor';

export const PUBLICATION_WORKFLOW_TYPE = 'publicationWorkflow';

/**
 * draft: written, waiting for a second person's approval
 * scheduled: approved, waiting for its time
 * publishing: being posted through the network's connector (retried until it answers)
 * published: the network has the post (networkPostId)
 * failed: the network refused it, the retries ran out, or the outcome of an attempt is in doubt
 * cancelled: withdrawn before it was published
 */
export type PublicationStatus = 'draft' | 'scheduled' | 'publishing' | 'published' | 'failed' | 'cancelled';

/** How the post is tried: fixed when the workflow starts (domain/pages/config.ts PublicationDelivery). */
export interface PublicationDeliveryInput {
  timeoutMs: number;
  retry: { initialIntervalMs: number; maximumIntervalMs: number; maximumAttempts: number };
}

export interface PublicationInput {
  publicationId: string;
  pageId: number;
  organisationId: string;
  regionId: string;
  text: string;
  authorUserId: number | null;
  /** When to publish (ISO instant); a time already past publishes as soon as it is approved. */
  publishAt: string;
  createdAt: string;
  delivery: PublicationDeliveryInput;
}

export interface PublicationState {
  publicationId: string;
  status: PublicationStatus;
  authorUserId: number | null;
  publishAt: string;
  approvedBy: number | null;
  approvedAt: string | null;
  publishedAt: string | null;
  networkPostId: string | null;
  networkPostUrl: string | null;
  error: string | null;
  cancelReason: string | null;
  /** Number of the last transition written to the read model; newer wins there. */
  seq: number;
}

export interface ApprovePublication { actor: Actor }
export interface ReschedulePublication { actor: Actor; publishAt: string }
export interface CancelPublication { actor: Actor; reason: string }

/** What the publishPost activity came to. */
export type PublishOutcome =
  | { status: 'published'; networkPostId: string; networkPostUrl: string | null; publishedAt: string }
  | { status: 'failed'; error: string };

/** Failure types of the publishPost activity. */
export const PUBLICATION_FAILURE = {
  /** One attempt failed in a way that may pass (the network down, a timeout): retried with back-off. */
  attemptFailed: 'PublicationAttemptFailed',
} as const;

export const approvePublicationUpdate = defineUpdate<PublicationState, [ApprovePublication]>('approvePublication');
export const reschedulePublicationUpdate = defineUpdate<PublicationState, [ReschedulePublication]>('reschedulePublication');
export const cancelPublicationUpdate = defineUpdate<PublicationState, [CancelPublication]>('cancelPublication');
/** Resolves once the draft is in the read model; the API waits on it after starting the workflow. */
export const publicationCreatedUpdate = defineUpdate<PublicationState, []>('awaitPublicationCreated');

export const publicationStateQuery = defineQuery<PublicationState>('publicationState');

export function publicationWorkflowId(publicationId: string): string {
  return `publication-${publicationId}`;
}

/** The key a network sees at every attempt of the post step: the workflow id and the step. */
export function publicationIdempotencyKey(publicationId: string): string {
  return `${publicationWorkflowId(publicationId)}:publish`;
}
