// A simulated document-management system (СЭД) of a regional body, built only on the typed client
// generated from the spec (test/support/client.ts), as a real integrator would build it:
// - it long-polls the change feed, processes each event at least once and deduplicates by eventId,
//   storing its cursor only after the events before it are processed;
// - a case that arrives in one of its organisations is registered under its own number (acknowledged)
//   and taken into work; a case that leaves is marked gone;
// - every command carries an Idempotency-Key derived from what it does, so a retry after a crash
//   repeats the same command instead of making a new one.
import { createHash } from 'node:crypto';
import type { OtklikClient, Schemas } from './client';
import { describeError } from './client';

export type FeedEvent = Schemas['FeedEvent'];

export interface SedRegistration {
  caseId: string;
  organisationId: string;
  externalNumber: string;
  externalRegisteredAt: string;
  /** What the СЭД knows of the case: with it, answered by it, or gone to an organisation outside it. */
  state: 'in_work' | 'answered' | 'gone' | 'closed';
}

export class SedError extends Error {
  constructor(readonly status: number, readonly problem: unknown, what: string) {
    super(`${what}: ${describeError(problem)}`);
  }
}

export class SimulatedSed {
  /** The last cursor whose events are all processed (what a real СЭД persists). */
  cursor: string | undefined;
  /** Every event as delivered, repeats included. */
  readonly delivered: FeedEvent[] = [];
  /** Events processed, in order, each once. */
  readonly processed: FeedEvent[] = [];
  readonly registrations = new Map<string, SedRegistration>();
  private readonly seen = new Set<string>();
  private counter = 0;

  constructor(
    readonly client: OtklikClient,
    readonly options: { numberPrefix: string; organisations: readonly string[]; cursor?: string },
  ) {
    this.cursor = options.cursor;
  }

  private ours(organisationId: string | null | undefined): boolean {
    return !!organisationId && this.options.organisations.includes(organisationId);
  }

  /** One feed request (long-poll up to `wait` seconds); processes what came and returns the new events. */
  async pull(wait = 0, limit = 100): Promise<FeedEvent[]> {
    const { data, error, response } = await this.client.GET('/integration/feed', {
      params: { query: { ...(this.cursor !== undefined ? { after: this.cursor } : {}), wait, limit } },
    });
    if (error || !data) throw new SedError(response.status, error, 'feed');
    const fresh: FeedEvent[] = [];
    for (const event of data.events) {
      this.delivered.push(event);
      if (this.seen.has(event.eventId)) continue; // at-least-once: a repeat of an event handled before
      await this.handle(event);
      this.seen.add(event.eventId);
      this.processed.push(event);
      fresh.push(event);
      this.cursor = event.id;
    }
    this.cursor = data.nextCursor;
    return fresh;
  }

  /** Pulls until `done` holds for the processed events, or fails after `ms`. */
  async pullUntil(done: (processed: FeedEvent[]) => boolean, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!done(this.processed)) {
      if (Date.now() > end) {
        throw new Error(`the СЭД did not see the expected events in ${ms} ms; processed: ${this.processed.map((e) => `${e.caseId} ${e.type}`).join('; ')}`);
      }
      await this.pull(2);
    }
  }

  private async handle(event: FeedEvent): Promise<void> {
    const known = this.registrations.get(event.caseId);
    switch (event.type) {
      case 'case.registered':
      case 'case.routed':
      case 'case.escalated':
        if (this.ours(event.organisationId)) {
          const registeredHere = known && known.state !== 'gone' && known.organisationId === event.organisationId;
          if (!registeredHere) await this.register(event.caseId, event.organisationId!, event.eventId);
        } else if (known) {
          known.state = 'gone'; // handed over outside: no more events of it will come
        }
        break;
      case 'case.answered':
        if (known) known.state = 'answered';
        break;
      case 'case.closed':
      case 'case.left_without_answer':
        if (known) known.state = 'closed';
        break;
      case 'case.rated':
        if (known && event.data.status === 'closed') known.state = 'closed';
        break;
      default:
        break;
    }
  }

  /** Registers the case under the next own number and takes it into work. */
  private async register(caseId: string, organisationId: string, cause: string): Promise<void> {
    const externalNumber = `${this.options.numberPrefix}-${String(++this.counter).padStart(5, '0')}`;
    const externalRegisteredAt = new Date().toISOString().slice(0, 10);
    // The key is derived from the feed event: a repeat of the event repeats the same command.
    const ack = await this.acknowledge(caseId, externalNumber, externalRegisteredAt, `ack:${cause}`);
    this.registrations.set(caseId, {
      caseId, organisationId, externalNumber: ack.externalNumber ?? externalNumber,
      externalRegisteredAt: ack.externalRegisteredAt ?? externalRegisteredAt, state: 'in_work',
    });
    if (ack.status === 'registered') await this.command('take', caseId, `take:${cause}`);
  }

  async acknowledge(caseId: string, externalNumber: string, externalRegisteredAt: string, key: string): Promise<Schemas['CaseDetail']> {
    const { data, error, response } = await this.client.POST('/cases/{caseId}/acknowledgement', {
      params: { path: { caseId }, header: { 'Idempotency-Key': key } },
      body: { externalNumber, externalRegisteredAt },
    });
    if (error || !data) throw new SedError(response.status, error, `acknowledge ${caseId}`);
    return data;
  }

  async command(action: 'take', caseId: string, key: string): Promise<Schemas['CaseDetail']> {
    const { data, error, response } = await this.client.POST('/cases/{caseId}/take', { params: { path: { caseId }, header: { 'Idempotency-Key': key } } });
    if (error || !data) throw new SedError(response.status, error, `${action} ${caseId}`);
    return data;
  }

  /** An answer written in the СЭД by the executor; its key is the СЭД's outgoing document. */
  async answer(caseId: string, text: string, outgoingNumber: string): Promise<Schemas['CaseDetail']> {
    // Keys are visible ASCII (HTTP headers): a Cyrillic document number goes in as its digest.
    const document = createHash('sha256').update(outgoingNumber).digest('hex').slice(0, 24);
    const { data, error, response } = await this.client.POST('/cases/{caseId}/answer', {
      params: { path: { caseId }, header: { 'Idempotency-Key': `answer:${caseId}:${document}` } },
      body: { text },
    });
    if (error || !data) throw new SedError(response.status, error, `answer ${caseId}`);
    const known = this.registrations.get(caseId);
    if (known) known.state = 'answered';
    return data;
  }

  async redirect(caseId: string, organisationId: string, reason: string): Promise<Schemas['CaseDetail']> {
    const { data, error, response } = await this.client.POST('/cases/{caseId}/redirect', {
      params: { path: { caseId }, header: { 'Idempotency-Key': `redirect:${caseId}:${organisationId}` } },
      body: { organisationId, reason },
    });
    if (error || !data) throw new SedError(response.status, error, `redirect ${caseId}`);
    return data;
  }
}
