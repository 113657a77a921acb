// The notifications outbox as the processes run it: its dispatcher started with a send method for
// every channel (domain/outbound/) on the configured back-off (domain/config/outbox.ts).
import type { Db } from '../db/connection';
import type { BackoffPolicy } from '../domain/outbound/backoff';
import { smtpEmailMethod } from '../domain/outbound/email';
import { startOutboxDispatcher } from '../domain/outbound/outbox';
import { outboxChannels } from '../domain/outbound/registry';

/** Starts the outbox's dispatcher: email over SMTP_URL (skipped when there is none), on the configured back-off. */
export async function startOutbox(db: Db, config: { smtpUrl?: string; mailFrom: string; outboxBackoff: BackoffPolicy }): Promise<{ stop(): Promise<void> }> {
  const channels = outboxChannels([await smtpEmailMethod(config.smtpUrl, config.mailFrom)]);
  return startOutboxDispatcher(db, { channels, backoff: config.outboxBackoff });
}
