// Incidents found in open sources: the monitoring systems' ingestion, the lists and the handling
// organisation's actions (the public reply with its URL, the dismissal with a reason).
import { actOnIncident } from '../../domain/incident/commands';
import { ingestIncident } from '../../domain/incident/ingest';
import { listIncidents, toIncident, visibleIncident } from '../../domain/incident/read-model';
import { dismissIncidentUpdate, replyToIncidentUpdate } from '../../workflows/incident/messages';
import { problems } from '../../domain/problem';
import { isReplyUrl } from '../../workflows/rules/incident-term';
import type { Handlers, Reply } from '../routes';
import { temporalContext } from './cases';

/** The update id of an action under an Idempotency-Key (none: every request acts). */
function updateIdOf(incidentId: string, action: string, headers: unknown): string | undefined {
  const key = (headers as { 'Idempotency-Key'?: string } | undefined)?.['Idempotency-Key'];
  return key ? `${incidentId}:${action}:${key}` : undefined;
}

export const incidentHandlers = {
  async ingestIncident({ input, user, deps }): Promise<Reply> {
    const { row, duplicate } = await ingestIncident(temporalContext(deps), user, input.body);
    const body = toIncident(row);
    if (duplicate) return { status: 200, body, headers: { 'Incident-Duplicate': 'true', Location: `/incidents/${encodeURIComponent(row.id)}` } };
    return { status: 201, body, headers: { Location: `/incidents/${encodeURIComponent(row.id)}` } };
  },

  async listIncidents({ input, user, deps }) {
    const { limit, cursor, ...filters } = input.query;
    return { status: 200, body: await listIncidents(deps.db, user, filters, { limit: limit ?? 20, cursor }) };
  },

  async getIncident({ input, user, deps }) {
    return { status: 200, body: toIncident(await visibleIncident(deps.db, user, input.params.incidentId)) };
  },

  async replyToIncident({ input, user, deps }) {
    const id = input.params.incidentId;
    // The workflow refuses it too; said here first, at its field, so that a form can show it there.
    if (!isReplyUrl(input.body.replyUrl)) {
      throw problems.unprocessable('The reply\'s address must be an http(s) URL.', [{ in: 'body', path: '/replyUrl', message: 'must be the http(s) address of the public reply' }]);
    }
    const body = await actOnIncident(temporalContext(deps), user, id, updateIdOf(id, 'reply', input.headers), replyToIncidentUpdate,
      (actor) => ({ actor, text: input.body.text, replyUrl: input.body.replyUrl }));
    return { status: 200, body };
  },

  async dismissIncident({ input, user, deps }) {
    const id = input.params.incidentId;
    const body = await actOnIncident(temporalContext(deps), user, id, updateIdOf(id, 'dismissal', input.headers), dismissIncidentUpdate,
      (actor) => ({ actor, reason: input.body.reason }));
    return { status: 200, body };
  },
} satisfies Partial<Handlers>;
