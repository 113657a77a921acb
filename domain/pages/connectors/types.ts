// The connector contract of official pages, in the style of the outbound send methods
// (domain/outbound/types.ts, after FixMyStreet's send methods): one small module per network with a
// name and a `send`, registered by name (domain/outbound/registry.ts), so a network is added by adding a
// module, and the publication workflow never knows which network it is talking to.
import type { FailedSend } from '../../outbound/registry';
import type { SendMethod } from '../../outbound/types';

export const NETWORKS = ['vk', 'telegram', 'ok'] as const;
export type Network = (typeof NETWORKS)[number];

/** One post on one page. */
export interface PagePost {
  /** The page's id in the network's API (official_pages.external_id). */
  pageExternalId: string;
  text: string;
  /** The same at every attempt of one publication (workflow id + step), so that a network that dedups by it posts once. */
  idempotencyKey: string;
}

/** What one attempt came to: posted (with the network's id of the post), or failed, permanently or not. */
export type PostResult = { status: 'posted'; postId: string; url: string | null } | FailedSend;

export interface PageConnector extends SendMethod<PagePost, PostResult> {
  readonly name: Network;
  /**
   * The network itself recognises a repeat of the same idempotency key (VK's `guid`): an attempt whose
   * answer was lost may be made again. Otherwise a lost answer leaves the outcome in doubt, and the
   * publication stops for a person to look rather than risk a second post.
   */
  readonly idempotent: boolean;
}

/** Where a network's API is and the token the platform posts with (from the environment). */
export interface ConnectorSettings {
  baseUrl: string;
  token: string;
  /** Odnoklassniki signs each call with the application's public key and secret. */
  appKey?: string;
  appSecret?: string;
}
