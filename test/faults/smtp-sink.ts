// A tiny SMTP server on 127.0.0.1 that accepts every message and keeps it: enough for nodemailer's plain
// SMTP (no TLS, no AUTH, no PIPELINING advertised). It records each delivery with its headers decoded, so
// a test can count how often each notification reached the mail system.
import net from 'node:net';

export interface Delivery {
  from: string;
  to: string[];
  messageId: string | null;
  subject: string;
  headers: Record<string, string>;
  at: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=), as nodemailer writes non-ASCII headers. */
export function decodeHeader(value: string): string {
  const words = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  // Whitespace between two encoded words is not part of the text.
  const joined = value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(words, (_all, _charset: string, enc: string, text: string) => {
    if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

function parseHeaders(message: string): Record<string, string> {
  const head = message.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Starts the sink; `port` reopens one on a port used before (an SMTP server coming back after an outage). */
export async function startSmtpSink(opts: { delayMs?: number; port?: number } = {}): Promise<SmtpSink> {
  const deliveries: Delivery[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let data: string[] = [];
    let from = '';
    let to: string[] = [];
    const reply = (line: string) => { if (!socket.destroyed) socket.write(`${line}\r\n`); };
    const finishData = () => {
      const message = data.join('\r\n');
      const headers = parseHeaders(message);
      const delivery: Delivery = {
        from, to, messageId: headers['message-id'] ?? null, subject: decodeHeader(headers.subject ?? ''), headers, at: Date.now(),
      };
      const accept = () => {
        deliveries.push(delivery);
        reply('250 2.0.0 queued');
      };
      if (opts.delayMs) setTimeout(accept, opts.delayMs);
      else accept();
      data = [];
      from = '';
      to = [];
    };
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            finishData();
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-sink.local\r\n250 8BITMIME');
        else if (verb === 'HELO') reply('250 sink.local');
        else if (verb === 'MAIL') { from = line.replace(/^MAIL FROM:\s*/i, '').replace(/[<>]/g, '').split(' ')[0]; reply('250 2.1.0 ok'); }
        else if (verb === 'RCPT') { to.push(line.replace(/^RCPT TO:\s*/i, '').replace(/[<>]/g, '').split(' ')[0]); reply('250 2.1.5 ok'); }
        else if (verb === 'DATA') { inData = true; reply('354 end with <CRLF>.<CRLF>'); }
        else if (verb === 'RSET') { from = ''; to = []; reply('250 2.0.0 ok'); }
        else if (verb === 'NOOP') reply('250 2.0.0 ok');
        else if (verb === 'QUIT') { reply('221 2.0.0 bye'); socket.end(); }
        else reply('502 5.5.2 command not implemented');
      }
    });
    reply('220 sink.local ESMTP');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    deliveries,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
