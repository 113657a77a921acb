// Ingesting incidents from monitoring systems: the references checked, the post's two keys (its URL;
// its text by its author) made unique in PostgreSQL, the incident number as the workflow id, the workflow
// started and its registration awaited. A post reported again — by the same system after a timeout, by
// another system, at the same moment — finds the existing row and gets the existing incident.
import { createHash } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import type { Db } from '../../db/connection';
import type { components } from '../../openapi/types';
import type { incidentWorkflow } from '../../workflows';
import { incidentRegistrationUpdate, type IncidentInput } from '../../workflows/incident/messages';
import { INCIDENTS_MODULE } from '../../workflows/rules/incident-routing';
import { authorTextKey, isReplyUrl, postUrlKey } from '../../workflows/rules/incident-term';
import type { AuthUser } from '../identity/users';
import { nextNumber } from '../intake';
import { problems } from '../problem';
import { startOnce, withWait, type TemporalContext } from '../temporal';
import { loadIncidentRow, overlayIncidentState, type IncidentRow } from './read-model';

export const INCIDENT_WORKFLOW_TYPE = 'incidentWorkflow';
export type IncidentReport = components['schemas']['IncidentReport'];

interface StoredIncident { id: string; request: IncidentInput; started_at: Date | null }

/** The region of the report: the client's own (an integration client may not report for another), or the one an administrator names. */
async function regionOf(db: Db, user: AuthUser, body: IncidentReport) {
  let regionId = body.regionId;
  if (user.role === 'integration') {
    const org = user.organisationId ? await db('organisations').where({ id: user.organisationId }).first('region_id') : undefined;
    if (!org) throw problems.forbidden('This client belongs to no organisation, so it has no region to report for.');
    if (regionId !== undefined && regionId !== org.region_id) throw problems.field('body', '/regionId', `this client reports for region ${org.region_id} only`);
    regionId = org.region_id;
  }
  if (regionId === undefined) throw problems.field('body', '/regionId', 'is required for an administrator');
  const region = await db('regions').where({ id: regionId }).first('id', 'number_prefix', 'time_zone');
  if (!region) throw problems.field('body', '/regionId', `there is no region ${regionId}`);
  // Only an organisation with the incidents module handles incidents (workflows/rules/incident-routing.ts):
  // a region without one could not route it, so nothing is stored.
  const handler = await db('organisations').where({ region_id: regionId, active: true }).whereRaw('? = any(modules)', [INCIDENTS_MODULE]).first('id');
  if (!handler) throw problems.unprocessable(`No organisation of region ${regionId} uses the incidents module: there is nobody to handle incidents.`);
  return region as { id: string; number_prefix: string; time_zone: string };
}

/** The workflow input without its number: the suggested category resolved to category and subcategory, the territory checked. */
async function checkedReport(db: Db, regionId: string, body: IncidentReport, now: Date): Promise<Omit<IncidentInput, 'incidentId'>> {
  const category = await db('categories').where({ id: body.categoryId, region_id: regionId }).first('id', 'parent_id');
  if (!category) throw problems.field('body', '/categoryId', `there is no category ${body.categoryId} in region ${regionId}`);
  if (body.territoryId !== undefined && !(await db('territories').where({ id: body.territoryId, region_id: regionId }).first('id'))) {
    throw problems.field('body', '/territoryId', `there is no territory ${body.territoryId} in region ${regionId}`);
  }
  if (!isReplyUrl(body.postUrl)) throw problems.field('body', '/postUrl', 'must be the http(s) address of the post');
  if (body.text.trim() === '') throw problems.field('body', '/text', 'must not be blank');
  return {
    regionId, network: body.network, postUrl: body.postUrl, text: body.text, authorHandle: body.authorHandle,
    foundAt: new Date(body.foundAt).toISOString(),
    categoryId: category.parent_id ?? category.id, subcategoryId: category.parent_id ? category.id : null,
    territoryId: body.territoryId ?? null, receivedAt: now.toISOString(),
  };
}

/** A violation of one of the incident's unique keys (a report that raced ours and won). */
function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === '23505';
}

/**
 * The stored incident of the post, or a new one. The advisory locks on both keys (in one order) make
 * reports of one post wait for each other; the unique keys stay the guarantee.
 */
async function storeOnce(db: Db, user: AuthUser, region: { id: string; number_prefix: string; time_zone: string }, input: Omit<IncidentInput, 'incidentId'>) {
  const urlKey = postUrlKey(input.postUrl);
  const textKey = createHash('sha256').update(authorTextKey(input.network, input.authorHandle, input.text)).digest('hex');
  const find = (trx: Knex.Transaction | Db) => trx('incidents').where({ region_id: region.id })
    .andWhere((w) => w.where({ post_url_key: urlKey }).orWhere({ author_text_key: textKey })).orderBy('created_at').first('id', 'request', 'started_at');
  const attempt = () => db.transaction(async (trx) => {
    for (const key of [`incident-url:${region.id}:${urlKey}`, `incident-text:${region.id}:${textKey}`].sort()) {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [key]);
    }
    const existing = (await find(trx)) as StoredIncident | undefined;
    if (existing) {
      await trx('incidents').where({ id: existing.id }).increment('reports', 1);
      return { stored: existing, duplicate: true };
    }
    const year = DateTime.fromISO(input.receivedAt, { zone: region.time_zone }).year;
    const n = await nextNumber(trx, 'incident_counters', { region_id: region.id, year });
    const id = `inc-${region.number_prefix}-${year}-${String(n).padStart(6, '0')}`;
    const request: IncidentInput = { incidentId: id, ...input };
    await trx('incidents').insert({
      id, region_id: region.id, network: input.network, post_url: input.postUrl, post_url_key: urlKey, author_handle: input.authorHandle,
      author_text_key: textKey, request: JSON.stringify(request), reported_by: user.id,
    });
    return { stored: { id, request, started_at: null } as StoredIncident, duplicate: false };
  });
  try {
    return await attempt();
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    return attempt(); // the other report committed first: this time it is found
  }
}

/** Starts the incident's workflow (or attaches to it) and waits for its registration; a closed one is read as it is. */
async function startAndRegister(ctx: TemporalContext, input: IncidentInput) {
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof incidentWorkflow>(INCIDENT_WORKFLOW_TYPE, {
    workflowId: input.incidentId, taskQueue: ctx.taskQueue, args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  try {
    return await withWait(ctx, () => ctx.client.workflow.executeUpdateWithStart(incidentRegistrationUpdate, { startWorkflowOperation }));
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return undefined; // finished already: the read model has it
    throw e;
  }
}

/** Ingests a report: the existing incident of the same post (duplicate), or a new one registered and routed. */
export async function ingestIncident(ctx: TemporalContext, user: AuthUser, body: IncidentReport): Promise<{ row: IncidentRow; duplicate: boolean }> {
  const { db } = ctx;
  const region = await regionOf(db, user, body);
  const input = await checkedReport(db, region.id, body, new Date());
  const { stored, duplicate } = await storeOnce(db, user, region, input);
  const state = stored.started_at ? undefined : await startAndRegister(ctx, stored.request);
  if (!stored.started_at) await db('incidents').where({ id: stored.id }).whereNull('started_at').update({ started_at: db.fn.now() });
  const row = await loadIncidentRow(db, stored.id);
  if (!row) throw problems.unavailable(`Incident ${stored.id} is accepted but not readable yet. Repeat the report to get it.`, 2);
  return { row: state && row.last_seq < state.seq ? overlayIncidentState(row, state) : row, duplicate };
}

/**
 * Starts the workflows of incidents stored but never started (the API died between the two), older than
 * `olderThanSeconds`. Returns how many were started. A repeated report of the post starts it too.
 */
export async function startPendingIncidents(client: Client, db: Db, taskQueue: string, olderThanSeconds = 30): Promise<number> {
  const rows = (await db('incidents').whereNull('started_at')
    .where('created_at', '<', db.raw('now() - make_interval(secs => ?)', [olderThanSeconds])).orderBy('created_at').limit(100)
    .select('id', 'request')) as { id: string; request: IncidentInput }[];
  for (const row of rows) {
    await startOnce(client, INCIDENT_WORKFLOW_TYPE, row.id, taskQueue, row.request);
    await db('incidents').where({ id: row.id }).whereNull('started_at').update({ started_at: db.fn.now() });
  }
  return rows.length;
}
