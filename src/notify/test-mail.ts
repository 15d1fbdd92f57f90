// Test support: a real SMTP server (smtp-server) and a webhook receiver on loopback, and a small
// MIME reader for the messages they receive. Used by the notify tests only.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifySignature } from './webhook.js';

export const SMTP_USER = 'botcensus';
export const SMTP_PASS = 's3cret pass';

export interface ParsedMail {
  headers: Record<string, string>;
  text: string;
  attachments: { filename: string; contentType: string; content: string }[];
}

export interface ReceivedMail {
  /** The server answered 250 (took responsibility for the message). */
  accepted: boolean;
  from: string;
  to: string[];
  secure: boolean;
  user?: string;
  raw: string;
  mail: ParsedMail;
}

export interface TestSmtp {
  port: number;
  /** smtp:// URL with the credentials; the server's certificate is self-signed. */
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * An SMTP server on 127.0.0.1 that offers STARTTLS and accepts AUTH only over TLS. `onMessage`
 * runs once the whole message is read; the server answers 250 when it calls `accept` (never, if
 * it does not).
 */
export async function startSmtp(onMessage?: (m: ReceivedMail, accept: () => void) => void): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) cb(null, { user: SMTP_USER });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const m: ReceivedMail = {
          accepted: false,
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: session.user as string | undefined,
          raw,
          mail: parseMime(raw),
        };
        received.push(m);
        const accept = () => {
          m.accepted = true;
          cb();
        };
        if (onMessage) onMessage(m, accept);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${port}/?tls.rejectUnauthorized=false`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads the parts of a MIME message: headers (unfolded, RFC 2047 decoded), text, attachments. */
export function parseMime(raw: string): ParsedMail {
  const out: ParsedMail = { headers: {}, text: '', attachments: [] };
  const top = splitEntity(raw);
  out.headers = top.headers;
  walk(top, out);
  return out;
}

interface Entity {
  headers: Record<string, string>;
  body: string;
}

function splitEntity(raw: string): Entity {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return { headers, body };
}

function walk(e: Entity, out: ParsedMail): void {
  const type = e.headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    const parts = e.body.split(`--${boundary}`).slice(1);
    for (const p of parts) {
      if (p.startsWith('--')) break;
      walk(splitEntity(p.replace(/^\r?\n/, '')), out);
    }
    return;
  }
  const content = decodeBody(e.body, e.headers['content-transfer-encoding'] ?? '7bit');
  const disposition = e.headers['content-disposition'] ?? '';
  const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  if (filename) out.attachments.push({ filename, contentType: type.split(';')[0]!.trim(), content });
  else if (!out.text) out.text = content;
}

function decodeBody(body: string, encoding: string): string {
  const enc = encoding.toLowerCase();
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') return qp(body.replace(/=\r?\n/g, '')).replace(/\r?\n$/, '');
  return body.replace(/\r?\n$/, '');
}

function qp(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(v: string): string {
  return v
    .replace(/(=\?[^?]+\?[QB]\?[^?]*\?=)\s+(?==\?)/gi, '$1')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _cs, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')),
    );
}

export interface WebhookRequest {
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

/** An HTTP receiver on 127.0.0.1 that checks each request's signature; answers `statuses` in turn, then 200. */
export async function startWebhook(secret: string, statuses: number[] = []) {
  const requests: WebhookRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const sig = req.headers['x-botcensus-signature'];
      requests.push({ headers: req.headers, body: body.toString('utf8'), verified: verifySignature(body, secret, Array.isArray(sig) ? sig[0] : sig) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/botcensus`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
