import assert from 'node:assert/strict';
import { emailMessageId, emailMethod, type MailTransport } from '../../domain/outbound/email';
import { outboxChannels, sendThrough } from '../../domain/outbound/registry';
import type { OutboundMessage, SendMethod } from '../../domain/outbound/types';

describe('outbox channels (domain/outbound/registry.ts)', () => {
  const message: OutboundMessage = { recipient: 'anna@example.org', subject: 'Тема', body: 'Текст', idempotencyKey: '7.22-2026-000001:3:applicant' };
  const sentMail: Parameters<MailTransport['sendMail']>[0][] = [];
  const transport: MailTransport = { sendMail: async (mail) => { sentMail.push(mail); } };
  const from = 'Отклик <no-reply@otklik.example>';

  it('sends through the method registered under the channel', async () => {
    const channels = outboxChannels([emailMethod(transport, from)]);
    assert.deepEqual(await sendThrough(channels, 'email', message), { status: 'sent' });
    assert.deepEqual(sentMail, [{ from, to: 'anna@example.org', subject: 'Тема', text: 'Текст', messageId: '<otklik.7.22-2026-000001.3.applicant@otklik.example>' }]);
    assert.equal(emailMessageId(message.idempotencyKey, from), sentMail[0].messageId, 'the same Message-ID at every attempt');
  });

  it('fails permanently, with a clear error, for a channel without a method', async () => {
    const result = await sendThrough(outboxChannels([emailMethod(transport, from)]), 'sms', message);
    assert.deepEqual(result, { status: 'failed', permanent: true, error: 'no send method for the channel "sms" (known: email)' });
  });

  it('turns a method that throws into a transient failure, not a crash', async () => {
    const broken: SendMethod = { name: 'email', send: async () => { throw new Error('boom'); } };
    assert.deepEqual(await sendThrough(outboxChannels([broken]), 'email', message), { status: 'failed', permanent: false, error: 'email: boom' });
  });

  it('refuses two methods for one channel', () => {
    assert.throws(() => outboxChannels([emailMethod(null, from), emailMethod(transport, from)]), /two send methods for the outbox channel "email"/);
  });

  it('skips mail when no SMTP is configured, and classifies SMTP failures', async () => {
    assert.deepEqual(await emailMethod(null, from).send(message), { status: 'skipped', reason: 'SMTP is not configured (SMTP_URL)' });
    const refusing: MailTransport = { sendMail: async () => { throw Object.assign(new Error('550 5.1.1 no such user'), { responseCode: 550 }); } };
    assert.deepEqual(await emailMethod(refusing, from).send(message), { status: 'failed', permanent: true, error: '550 5.1.1 no such user' });
    const down: MailTransport = { sendMail: async () => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }); } };
    assert.deepEqual(await emailMethod(down, from).send(message), { status: 'failed', permanent: false, error: 'connect ECONNREFUSED 127.0.0.1:25' });
  });
});
