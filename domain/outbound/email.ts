// The email send method: nodemailer over SMTP_URL. Without SMTP_URL the platform sends no mail and says
// so on each row (skipped), as the embedded default runs. The Message-ID is made from the message's
// idempotency key, so a message delivered again (after a crash between the server's acceptance and the
// outbox's commit) is recognisable as the same message by mail systems and clients.
import type { SendMethod, SendResult } from './types';

/** What the method needs of a mail transport (nodemailer's, or a test's). */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string; messageId: string }): Promise<unknown>;
}

/** The Message-ID of a message with this idempotency key, at the sender's domain. */
export function emailMessageId(idempotencyKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'otklik.local';
  return `<otklik.${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;
}

/**
 * A refusal of the message itself (an SMTP 5xx reply: no such mailbox, message rejected) is permanent.
 * Everything else passes: the server unreachable, a 4xx reply, a timeout, and a refused login too, which
 * is the platform's configuration to fix, not the message's fault.
 */
export function permanentSmtpFailure(e: unknown): boolean {
  const { code, responseCode } = (e ?? {}) as { code?: string; responseCode?: number };
  return code !== 'EAUTH' && typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}

/** The email method over this transport, or one that skips every message when there is none. */
export function emailMethod(transport: MailTransport | null, from: string): SendMethod {
  return {
    name: 'email',
    async send(message): Promise<SendResult> {
      if (!transport) return { status: 'skipped', reason: 'SMTP is not configured (SMTP_URL)' };
      try {
        await transport.sendMail({
          from, to: message.recipient, subject: message.subject, text: message.body, messageId: emailMessageId(message.idempotencyKey, from),
        });
        return { status: 'sent' };
      } catch (e) {
        return { status: 'failed', error: e instanceof Error ? e.message : String(e), permanent: permanentSmtpFailure(e) };
      }
    },
  };
}

/** The email method for SMTP_URL (nodemailer is loaded only when there is one). */
export async function smtpEmailMethod(smtpUrl: string | undefined, from: string): Promise<SendMethod> {
  if (!smtpUrl) return emailMethod(null, from);
  const nodemailer = await import('nodemailer');
  return emailMethod(nodemailer.createTransport(smtpUrl), from);
}
