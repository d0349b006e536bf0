/**
 * The HTTP server the chat surfaces share: Slack at /slack/* (Bolt's Express receiver, which
 * verifies every request's signature), Teams at /api/messages (the Bot Framework adapter, which
 * verifies every activity's token), and a health check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import type { SlackSurface } from './slack/app.js';
import type { TeamsSurface } from './teams/index.js';

/** The largest activity Bot Framework may post (its own cards stay under 28 KB; invokes carry more). */
export const TEAMS_BODY_LIMIT = '1mb';
/** How deeply an activity's JSON may nest: real activities stay under 20 levels; deeper is an attack on recursion. */
export const TEAMS_MAX_JSON_DEPTH = 64;

/** At stop, how long a request in flight may take to answer before its connection is dropped. */
export const HTTP_CLOSE_GRACE_MS = 3_000;

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
    app.post(teams.path, express.json({ limit: TEAMS_BODY_LIMIT }), refuseDeepJson(TEAMS_MAX_JSON_DEPTH), (req, res) => teams.process(req, res));
  }
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(bareErrors(opts.log));
  const server = http.createServer(app);
  // Slack waits 3 seconds for an answer; keep idle sockets a little longer than proxies do.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  opts.log.info({ port }, 'http server listening');
  return {
    url,
    // Stops accepting and drops idle keep-alive sockets; a request in flight (or half-sent) would
    // hold close() until its client gives up, so it gets HTTP_CLOSE_GRACE_MS, then is dropped.
    close: () =>
      new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), HTTP_CLOSE_GRACE_MS);
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** 400 for a parsed body nested deeper than `maxDepth` (walked without recursion, stopping at the limit). */
function refuseDeepJson(maxDepth: number): RequestHandler {
  return (req, res, next) => {
    if (depthExceeds(req.body, maxDepth)) {
      res.status(400).end();
      return;
    }
    next();
  };
}

function depthExceeds(root: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(value)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The last handler: whatever went wrong (a malformed or oversized body, a failing handler), the
 * caller gets a bare status and no body, so no stack trace or file path leaves the server in any
 * NODE_ENV (Express's own error page shows them outside production). The details go to the log.
 */
function bareErrors(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown };
    const given = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
    const status = given >= 400 && given < 600 ? given : 500;
    if (status >= 500) log.error({ err, path: req.path }, 'http request failed');
    else log.debug({ status, type: e?.type, path: req.path }, 'http request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).end();
  };
}
