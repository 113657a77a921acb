// Which send method serves which channel: the outbox dispatcher reads each row's `channel` and sends
// through the method registered under that name, and an official page's publication goes through its
// network's connector (domain/pages/) the same way. A channel without a method is a permanent failure
// recorded on the row, never a crash of the dispatcher.
import type { OutboundMessage, SendMethod, SendResult } from './types';

/** A failed attempt, in the words every send method's result shares. */
export type FailedSend = Extract<SendResult, { status: 'failed' }>;

export type OutboxChannels<M = OutboundMessage, R = SendResult, S extends SendMethod<M, R> = SendMethod<M, R>> = ReadonlyMap<string, S>;

/** The channels served by these methods, each under its name; two methods of one name are a mistake. */
export function outboxChannels<S extends SendMethod<any, any> = SendMethod>(methods: S[]): ReadonlyMap<string, S> {
  const channels = new Map<string, S>();
  for (const method of methods) {
    if (channels.has(method.name)) throw new Error(`two send methods for the outbox channel "${method.name}"`);
    channels.set(method.name, method);
  }
  return channels;
}

/**
 * Sends through the channel's method. An unknown channel fails permanently; a method that throws
 * instead of answering fails transiently (its fault may pass), so that one row never stops the outbox.
 */
export async function sendThrough<M = OutboundMessage, R = SendResult>(channels: OutboxChannels<M, R>, channel: string, message: M): Promise<R | FailedSend> {
  const method = channels.get(channel);
  if (!method) {
    const known = [...channels.keys()].join(', ') || 'none';
    return { status: 'failed', permanent: true, error: `no send method for the channel "${channel}" (known: ${known})` };
  }
  try {
    return await method.send(message);
  } catch (e) {
    return { status: 'failed', permanent: false, error: `${method.name}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
