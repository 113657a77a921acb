// Publications on official pages: a draft starts its workflow (workflows/publication/), each action is one
// update of it (approve, reschedule, cancel) whose validator decides, and reads come from the read model
// (table publications) that the workflow's activities write.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { publicationWorkflow } from '../../workflows';
import {
  PUBLICATION_WORKFLOW_TYPE, publicationCreatedUpdate, publicationWorkflowId,
  type PublicationState, type PublicationStatus,
} from '../../workflows/publication/messages';
import type { Actor } from '../../workflows/shared/actor';
import { publicationInstant } from '../../workflows/rules/publication';
import { actorOf } from '../cases/commands';
import type { AuthUser } from '../identity/users';
import { problems } from '../problem';
import { withWait, type TemporalContext } from '../temporal';
import { mayAccessPages, type PagesAccess, type PagesOwner } from './access';
import { operatorRegion } from './registry';
import type { PublicationDelivery } from './config';

/** A publication as the API shows it (the spec's Publication). */
export type Publication = components['schemas']['Publication'];

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const publicationOf = (r: Record<string, any>): Publication => ({
  id: r.id, pageId: r.page_id, network: r.network, pageUrl: r.page_url, organisationId: r.organisation_id, text: r.text,
  status: r.status, authorUserId: r.author_user_id, approvedBy: r.approved_by, approvedAt: iso(r.approved_at),
  publishAt: iso(r.publish_at)!, publishedAt: iso(r.published_at), networkPostId: r.network_post_id, networkPostUrl: r.network_post_url,
  attempts: r.attempts, lastError: r.last_error, cancelReason: r.cancel_reason, createdAt: iso(r.created_at)!,
});

function publications(db: Db) {
  return db('publications as pub').join('official_pages as p', 'p.id', 'pub.page_id')
    .select('pub.*', 'p.network', 'p.url as page_url');
}

export async function listPublications(db: Db, organisationId: string, status?: PublicationStatus): Promise<Publication[]> {
  const q = publications(db).where('pub.organisation_id', organisationId).orderBy([{ column: 'pub.publish_at', order: 'desc' }, 'pub.id']);
  if (status) q.where('pub.status', status);
  return (await q).map(publicationOf);
}

/** Publication ids are UUIDs: anything else is no publication. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A publication the user may read or manage; 404 for one that is not there or not theirs (its existence is not revealed). */
export async function accessiblePublication(db: Db, user: AuthUser, publicationId: string, access: PagesAccess): Promise<Publication> {
  const row = UUID.test(publicationId) ? await publications(db).where('pub.id', publicationId).first() : undefined;
  if (!row || !(await mayAccessPages(user, { organisationId: row.organisation_id, regionId: row.region_id }, access, operatorRegion(db, user)))) {
    throw problems.notFound(`There is no publication ${publicationId}.`);
  }
  return publicationOf(row);
}

/** Drafts a post on one of the organisation's active pages: its workflow starts and the draft is in the read model. */
export async function draftPublication(
  ctx: TemporalContext, user: AuthUser, owner: PagesOwner, draft: { pageId: number; text: string; publishAt: string }, delivery: PublicationDelivery,
): Promise<Publication> {
  const page = await ctx.db('official_pages').where({ id: draft.pageId, organisation_id: owner.organisationId }).first('id', 'active');
  if (!page) throw problems.unprocessable(`Organisation ${owner.organisationId} has no official page ${draft.pageId}.`);
  if (!page.active) throw problems.unprocessable(`The official page ${draft.pageId} is not in use.`);
  let publishAt: string;
  try {
    publishAt = publicationInstant(draft.publishAt);
  } catch (e) {
    throw problems.field('body', '/publishAt', (e as Error).message);
  }
  const publicationId = randomUUID();
  const handle: WorkflowHandle<typeof publicationWorkflow> = await withWait(ctx, () => ctx.client.workflow.start<typeof publicationWorkflow>(PUBLICATION_WORKFLOW_TYPE, {
    workflowId: publicationWorkflowId(publicationId),
    taskQueue: ctx.taskQueue,
    args: [{
      publicationId, pageId: page.id, organisationId: owner.organisationId, regionId: owner.regionId, text: draft.text,
      authorUserId: user.id, publishAt, createdAt: new Date().toISOString(), delivery,
    }],
  }));
  await withWait(ctx, () => handle.executeUpdate(publicationCreatedUpdate));
  return accessiblePublication(ctx.db, user, publicationId, 'manage');
}

/** One action on a publication: the update's validator decides (403 / 409 / 422); returns it as the action left it. */
export async function actOnPublication<A>(
  ctx: TemporalContext, user: AuthUser, publicationId: string, update: UpdateDefinition<PublicationState, [A]>, arg: (actor: Actor) => A,
): Promise<Publication> {
  const current = await accessiblePublication(ctx.db, user, publicationId, 'manage');
  const handle = ctx.client.workflow.getHandle(publicationWorkflowId(publicationId));
  try {
    await withWait(ctx, () => handle.executeUpdate(update, { args: [arg(actorOf(user))] }));
  } catch (e) {
    // The workflow has completed: published, failed or cancelled, nothing more to do with it.
    if (e instanceof WorkflowNotFoundError) throw problems.invalidTransition(`The publication is ${current.status}.`);
    throw e;
  }
  return accessiblePublication(ctx.db, user, publicationId, 'manage');
}
