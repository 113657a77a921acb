// The notifications outbox through an SMTP outage: a mail that cannot be sent stays queued and is tried
// again on an exponential back-off kept in its row, across a restart of the dispatcher, and is delivered
// exactly once when the server is back. The schedule is made fast by configuration (50 ms doubling up to
// 200 ms), and the outage lasts more failed attempts than the former dispatcher's ten, after which it
// gave a mail up (about 20 s at its 2 s pace). Then claims of many rows by dispatchers side by side.
import assert from 'node:assert/strict';
import type { Db } from '../../db/connection';
import type { BackoffPolicy } from '../../domain/outbound/backoff';
import { emailMethod, smtpEmailMethod } from '../../domain/outbound/email';
import { dispatchOutbox, notificationMessageId, OUTBOX_CLAIM, OUTBOX_LOCK_SPACE, startOutboxDispatcher } from '../../domain/outbound/outbox';
import { outboxChannels } from '../../domain/outbound/registry';
import { freshDatabase } from '../support/postgres';
import { startSmtpSink } from './smtp-sink';

const FROM = 'Отклик <no-reply@otklik.test>';
const FAST: BackoffPolicy = { initialIntervalMs: 50, maximumIntervalMs: 200, maximumAttempts: 40 };

async function until(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !(await probe());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('notification outbox: back-off through an SMTP outage, channels', function () {
  this.timeout(120_000);
  let db: Db;
  let seq = 0;
  before(async () => ({ db } = await freshDatabase('outbox')));

  async function queue(channel = 'email', recipient: string | null = 'operator@example.org'): Promise<{ id: string; dedup_key: string }> {
    const [row] = await db('notifications').insert({
      dedup_key: `outbox-test:${++seq}`, case_id: null, channel, recipient_kind: 'operator', recipient_user_id: null,
      recipient_address: recipient, subject: 'Проверка доставки', body: 'Текст уведомления',
    }).returning(['id', 'dedup_key']);
    return row;
  }
  const rowOf = (id: string) => db('notifications').where({ id }).first();

  it('keeps retrying a mail through the outage, across a restart, and delivers it once when SMTP is back', async () => {
    const before = await startSmtpSink();
    const port = before.port;
    await before.close(); // the mail server goes down
    const row = await queue();
    const start = async () => startOutboxDispatcher(db, {
      channels: outboxChannels([await smtpEmailMethod(`smtp://127.0.0.1:${port}`, FROM)]), backoff: FAST, intervalMs: 20,
    });
    let dispatcher = await start();
    await until('six failed attempts', async () => (await rowOf(row.id)).attempts >= 6);
    await dispatcher.stop(); // the worker restarts during the outage: the schedule is in the row
    const beforeRestart = (await rowOf(row.id)).attempts;
    dispatcher = await start();
    await until('fifteen failed attempts', async () => (await rowOf(row.id)).attempts >= 15);
    const waiting = await rowOf(row.id);
    assert.equal(waiting.status, 'pending', 'still queued after more failures than the former limit of ten');
    assert.ok(waiting.attempts > beforeRestart, 'the attempts go on counting after the restart');
    assert.match(waiting.last_error, /ECONNREFUSED/);
    assert.ok(waiting.next_attempt_at instanceof Date, 'the next attempt is scheduled in the row');

    const sink = await startSmtpSink({ port }); // the server is back
    try {
      await until('the mail to be sent', async () => (await rowOf(row.id)).status === 'sent');
      await dispatcher.stop();
      dispatcher = await start(); // another restart finds nothing to send again
      await new Promise((resolve) => setTimeout(resolve, 300));
      await dispatcher.stop();
      const messageId = notificationMessageId(row, FROM);
      assert.deepEqual(sink.deliveries.map((d) => [d.messageId, d.to, d.subject]), [[messageId, ['operator@example.org'], 'Проверка доставки']]);
      const sent = await rowOf(row.id);
      assert.equal(sent.next_attempt_at, null);
      assert.ok(sent.attempts > 15);
    } finally {
      await dispatcher.stop();
      await sink.close();
    }
  });

  it('gives a row of a channel without a send method up with a clear error, and sends the others', async () => {
    const sink = await startSmtpSink();
    try {
      const sms = await queue('sms');
      const mail = await queue();
      const noAddress = await queue('email', null);
      const channels = outboxChannels([await smtpEmailMethod(sink.url, FROM)]);
      assert.equal(await dispatchOutbox(db, { channels, backoff: FAST }), 3);
      const failed = await rowOf(sms.id);
      assert.deepEqual([failed.status, failed.attempts, failed.next_attempt_at], ['failed', 1, null]);
      assert.equal(failed.last_error, 'no send method for the channel "sms" (known: email)');
      assert.equal((await rowOf(mail.id)).status, 'sent');
      assert.deepEqual([(await rowOf(noAddress.id)).status, (await rowOf(noAddress.id)).last_error], ['skipped', 'no address for the recipient']);
      assert.equal(sink.deliveries.length, 1);
    } finally {
      await sink.close();
    }
  });

  it('sends many rows a claim at a time, each once, with two dispatchers side by side and within the batch limit', async () => {
    const sink = await startSmtpSink();
    try {
      const count = OUTBOX_CLAIM * 3 + 3;
      const rows = [];
      for (let i = 0; i < count; i++) rows.push(await queue('email', `citizen${i}@example.org`));
      const channels = outboxChannels([await smtpEmailMethod(sink.url, FROM)]);
      // The first call stops at its batch: claims of OUTBOX_CLAIM, the last one cut to what is left of it.
      assert.equal(await dispatchOutbox(db, { channels, backoff: FAST, batch: OUTBOX_CLAIM + 2 }), OUTBOX_CLAIM + 2);
      const [a, b] = await Promise.all([dispatchOutbox(db, { channels, backoff: FAST }), dispatchOutbox(db, { channels, backoff: FAST })]);
      assert.equal(a + b, count - OUTBOX_CLAIM - 2);
      const stored = await db('notifications').whereIn('id', rows.map((r) => r.id));
      assert.ok(stored.every((r) => r.status === 'sent' && r.attempts === 1 && r.sent_at !== null && r.next_attempt_at === null), 'every row sent once');
      assert.equal(sink.deliveries.length, count);
      assert.equal(new Set(sink.deliveries.map((d) => d.messageId)).size, count);
      assert.equal(await dispatchOutbox(db, { channels, backoff: FAST }), 0);
    } finally {
      await sink.close();
    }
  });

  it('passes over a row another dispatcher holds, and sends it once that one lets go', async () => {
    const sink = await startSmtpSink();
    const other = await db.client.acquireConnection();
    try {
      const held = await queue('email', 'held@example.org');
      await queue('email', 'free@example.org');
      // Another dispatcher's claim: the row's session lock on a connection of its own.
      await db.raw('select pg_advisory_lock(?::integer, ?::integer)', [OUTBOX_LOCK_SPACE, Number(held.id)]).connection(other);
      const channels = outboxChannels([await smtpEmailMethod(sink.url, FROM)]);
      assert.equal(await dispatchOutbox(db, { channels, backoff: FAST }), 1);
      assert.equal((await rowOf(held.id)).status, 'pending');
      await db.raw('select pg_advisory_unlock_all()').connection(other);
      assert.equal(await dispatchOutbox(db, { channels, backoff: FAST }), 1);
      assert.equal((await rowOf(held.id)).status, 'sent');
      assert.deepEqual(sink.deliveries.map((d) => d.to[0]), ['free@example.org', 'held@example.org']);
    } finally {
      await db.client.releaseConnection(other);
      await sink.close();
    }
  });

  it('skips mail, as before, when no SMTP is configured', async () => {
    const row = await queue();
    assert.equal(await dispatchOutbox(db, { channels: outboxChannels([emailMethod(null, FROM)]) }), 1);
    const skipped = await rowOf(row.id);
    assert.deepEqual([skipped.status, skipped.last_error], ['skipped', 'SMTP is not configured (SMTP_URL)']);
  });
});
