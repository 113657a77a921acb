// The outbound contract, modelled on FixMyStreet's send methods (SendReport): every way a message
// leaves the platform is a small SendMethod with a name and a `send`, one module per method (email.ts,
// webhook/), and what a failed attempt means for the next one is decided in one place (backoff.ts).

/** A message of the notifications outbox: one recipient, written once, sent until delivered or given up. */
export interface OutboundMessage {
  /** Where it goes, in the method's own terms (for email: an address). */
  recipient: string;
  subject: string;
  body: string;
  /** The same at every attempt, so that the receiving side can recognise a repeat (email: the Message-ID). */
  idempotencyKey: string;
}

/**
 * What one attempt came to. `skipped`: there is nothing to send with by design (no SMTP configured),
 * recorded and never retried. `failed` with `permanent`: a retry would fail the same way (a mailbox the
 * server refuses, a channel without a method), so the message is given up at once; otherwise the
 * failure is transient (the server is down, a timeout) and the message is tried again after a back-off.
 */
export type SendResult =
  | { status: 'sent' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: string; permanent: boolean };

/** One way of sending: the outbox's `channel` names it. M and R are the method's message and result. */
export interface SendMethod<M = OutboundMessage, R = SendResult> {
  readonly name: string;
  send(message: M): Promise<R>;
}
