// Publication activities: the read model of each transition (newer wins, by seq), and the post itself
// through the page's network connector, exactly once: the network's post id is recorded on the row, so
// an attempt that finds it does not post again; the call carries the publication's idempotency key, so a
// network that dedups by it (VK) answers a repeat of a lost call with the first post; and on a network
// that cannot, an attempt whose answer was lost stops the publication for a person to look, rather than
// posting twice.
import { ApplicationFailure } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { Db } from '../db/connection';
import { sendThrough } from '../domain/outbound/registry';
import type { PageConnector } from '../domain/pages/connectors/types';
import { pageConnectors, pagesFromEnv } from '../domain/pages/config';
import { PUBLICATION_FAILURE, type PublicationInput, type PublicationState, type PublishOutcome } from '../workflows/publication/messages';

export interface PublishArgs {
  publicationId: string;
  pageId: number;
  text: string;
  idempotencyKey: string;
}

export function createPublicationActivities(db: Db, connectors: ReadonlyMap<string, PageConnector> = pageConnectors(pagesFromEnv())) {
  return {
    async projectPublication(args: { input: PublicationInput; state: PublicationState; occurredAt: string }): Promise<void> {
      const { input, state } = args;
      const row = {
        id: input.publicationId, page_id: input.pageId, organisation_id: input.organisationId, region_id: input.regionId,
        text: input.text, status: state.status, author_user_id: input.authorUserId, approved_by: state.approvedBy,
        approved_at: state.approvedAt, publish_at: state.publishAt, published_at: state.publishedAt,
        network_post_id: state.networkPostId, network_post_url: state.networkPostUrl, cancel_reason: state.cancelReason,
        last_error: state.error, seq: state.seq, created_at: input.createdAt, updated_at: args.occurredAt,
      };
      await db('publications').insert(row).onConflict('id').merge({
        status: row.status, approved_by: row.approved_by, approved_at: row.approved_at, publish_at: row.publish_at,
        published_at: db.raw('coalesce(excluded.published_at, publications.published_at)'),
        network_post_id: db.raw('coalesce(excluded.network_post_id, publications.network_post_id)'),
        network_post_url: db.raw('coalesce(excluded.network_post_url, publications.network_post_url)'),
        cancel_reason: row.cancel_reason, last_error: db.raw('coalesce(excluded.last_error, publications.last_error)'),
        seq: row.seq, updated_at: row.updated_at,
      }).where('publications.seq', '<', row.seq);
    },

    async publishPost(args: PublishArgs): Promise<PublishOutcome> {
      const row = await db('publications').where({ id: args.publicationId }).first();
      if (!row) throw new Error(`publication ${args.publicationId} is not in the read model`);
      // Posted by an earlier attempt whose completion was lost: the post exists, do not send again.
      if (row.network_post_id) return published(row.network_post_id, row.network_post_url, row.published_at);
      const page = await db('official_pages').where({ id: args.pageId }).first();
      if (!page) return { status: 'failed', error: `official page ${args.pageId} is gone` };
      const connector = connectors.get(page.network);
      if (row.attempt_started_at && connector && !connector.idempotent) {
        const at = new Date(row.attempt_started_at).toISOString();
        return { status: 'failed', error: `${page.network}: the answer to the attempt of ${at} was lost and ${page.network} cannot recognise a repeat; check the page before publishing again` };
      }
      await db('publications').where({ id: args.publicationId }).update({ attempts: db.raw('attempts + 1'), attempt_started_at: db.fn.now() });
      const result = await sendThrough(connectors, page.network, { pageExternalId: page.external_id, text: args.text, idempotencyKey: args.idempotencyKey });
      if (result.status === 'posted') {
        const [done] = await db('publications').where({ id: args.publicationId })
          .update({ network_post_id: result.postId, network_post_url: result.url, published_at: db.fn.now(), attempt_started_at: null, last_error: null })
          .returning(['network_post_id', 'network_post_url', 'published_at']);
        return published(done.network_post_id, done.network_post_url, done.published_at);
      }
      const error = connector ? result.error : `${result.error}; set OTKLIK_${String(page.network).toUpperCase()}_TOKEN to publish there`;
      await db('publications').where({ id: args.publicationId }).update({ attempt_started_at: null, last_error: error });
      if (result.permanent) return { status: 'failed', error };
      // A network being down is expected, not a fault of the platform: benign, and recorded on the row.
      throw ApplicationFailure.create({ message: error, type: PUBLICATION_FAILURE.attemptFailed, category: ApplicationFailureCategory.BENIGN });
    },
  };
}

function published(postId: string, url: string | null, at: Date | string): PublishOutcome {
  return { status: 'published', networkPostId: postId, networkPostUrl: url, publishedAt: new Date(at).toISOString() };
}

export type PublicationActivities = ReturnType<typeof createPublicationActivities>;
