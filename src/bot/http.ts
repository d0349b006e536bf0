/**
 * The HTTP server the chat surfaces share: Slack at /slack/* (Bolt's Express receiver, which
 * verifies every request's signature), Teams at /api/messages (the Bot Framework adapter, which
 * verifies every activity's token), and a health check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { SlackSurface } from './slack/app.js';
import type { TeamsSurface } from './teams/index.js';

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(opts: {
  port: number;
  host?: string;
  slack?: SlackSurface;
  teams?: TeamsSurface;
  log: Logger;
}): Promise<HttpServer> {
  const express = (await import('express')).default;
  const app = opts.slack?.receiver?.app ?? express();
  const teams = opts.teams;
  if (teams) {
    // Bot Framework posts JSON activities; the adapter answers (401 for a bad token, invoke results).
    app.post(teams.path, express.json({ limit: '1mb' }), (req, res) => teams.process(req, res));
  }
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  const server = http.createServer(app);
  // Slack waits 3 seconds for an answer; keep idle sockets a little longer than proxies do.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  opts.log.info({ port }, 'http server listening');
  return {
    url,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
