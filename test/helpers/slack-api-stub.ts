/**
 * A stand-in for Slack on 127.0.0.1, for tests that run the built app in a child process (where
 * nock cannot reach): the Web API (`<url>/api/<method>`, pointed at with SLACK_API_URL) and, for
 * Socket Mode, a WebSocket endpoint that apps.connections.open hands out. The WebSocket side is
 * the protocol's minimum (RFC 6455 handshake, text frames, ping/pong, close), enough for Slack's
 * Socket Mode client to connect, receive `hello`, and disconnect.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The token auth.test rejects, as Slack does a revoked one. */
export const REVOKED_BOT_TOKEN = 'xoxb-revoked';
/** The app-level token apps.connections.open rejects. */
export const REVOKED_APP_TOKEN = 'xapp-revoked';
/** The team auth.test names for every other token. */
export const STUB_TEAM_ID = 'T0HOME';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface SlackApiStub {
  /** Base URL for SLACK_API_URL, ending in a slash. */
  apiUrl: string;
  /** Web API methods called, in order (auth.test, apps.connections.open, …). */
  calls: string[];
  /** Methods answered never (a Slack that stopped answering mid-run). */
  hang: Set<string>;
  /** Socket Mode connections opened so far, and those still open. */
  sockets: { opened: number; open: number };
  close(): Promise<void>;
}

export async function startSlackApiStub(): Promise<SlackApiStub> {
  const calls: string[] = [];
  const hang = new Set<string>();
  const sockets = { opened: 0, open: 0 };
  const live = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += String(c)));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      calls.push(method);
      if (hang.has(method)) return; // the connection is dropped at close()
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      let body: Record<string, unknown> = { ok: true };
      if (method === 'auth.test') {
        body =
          token === REVOKED_BOT_TOKEN
            ? { ok: false, error: 'invalid_auth' }
            : { ok: true, team_id: STUB_TEAM_ID, team: 'Home', user_id: 'U0BOT', bot_id: 'B0BOT', url: 'https://home.slack.com/' };
      } else if (method === 'conversations.info') {
        // Digests check that a channel is not shared with another organisation.
        const channel = new URLSearchParams(raw).get('channel');
        body = { ok: true, channel: { id: channel, is_ext_shared: false } };
      } else if (method === 'apps.connections.open') {
        const { port } = server.address() as AddressInfo;
        body = token === REVOKED_APP_TOKEN ? { ok: false, error: 'invalid_auth' } : { ok: true, url: `ws://127.0.0.1:${port}/socket-mode` };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
  });
  server.on('upgrade', (req, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') return socket.destroy();
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.opened++;
    sockets.open++;
    live.add(socket);
    socket.on('close', () => {
      sockets.open--;
      live.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    const hello = { type: 'hello', num_connections: 1, debug_info: { host: 'stub' }, connection_info: { app_id: 'A0STUB' } };
    socket.write(frame(OP.text, Buffer.from(JSON.stringify(hello))));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let f = readFrame(pending); f; f = readFrame(pending)) {
        pending = pending.subarray(f.length);
        if (f.opcode === OP.ping) socket.write(frame(OP.pong, f.payload));
        else if (f.opcode === OP.close) socket.end(frame(OP.close, f.payload.subarray(0, 2)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    hang,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A server-to-client frame: final, unmasked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65_536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
  return Buffer.concat([head, payload]);
}

function bigLength(len: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(len));
  return b;
}

/** One complete client frame at the start of `buf` (clients always mask), or undefined. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < len; i++) payload[i] = payload[i]! ^ buf[maskAt + (i % 4)]!;
  return { opcode, payload, length: offset + len };
}
