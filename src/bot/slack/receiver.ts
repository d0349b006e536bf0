/**
 * Bolt's Express receiver with a stricter door in front of the events endpoint. Bolt checks the
 * signature and refuses timestamps more than 5 minutes old, but (bolt 5.1) accepts any timestamp
 * in the future and anything `Number()` reads as a number (`1e9`, ` 17…`, `0x…`); and it parses
 * form bodies with `querystring`, which turns a repeated key into an array, so a body with
 * `response_url` twice reaches the listeners as two URLs and `text` twice as a list.
 *
 * In front of it, every POST to the events endpoint:
 * - is read once (Bolt reuses the bytes through `req.rawBody`), within SLACK_BODY_LIMIT_BYTES;
 * - must carry a decimal timestamp within SLACK_TIMESTAMP_TOLERANCE_SECONDS of now, either way,
 *   and a valid `v0` signature over it: otherwise 401, as Slack's documentation asks;
 * - if it is a form (commands, interactivity), must name each key once: otherwise 400.
 * Refusals are bare statuses: no body, nothing posted anywhere, a debug line in the log.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import express, { type RequestHandler } from 'express';
import { ExpressReceiver, type ExpressReceiverOptions } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** How far a request's timestamp may be from now, in either direction (Slack's documented 5 minutes). */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
/** The largest request body read (Bolt's own default). */
export const SLACK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
const SIGNATURE_VERSION = 'v0';
const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export type SlackRefusal = 'unsigned' | 'stale-or-future' | 'bad-signature' | 'repeated-key';

const STATUS_OF: Record<SlackRefusal, number> = {
  unsigned: 401,
  'stale-or-future': 401,
  'bad-signature': 401,
  'repeated-key': 400,
};

/** Why a raw Slack request is refused, or undefined when it may go on to Bolt. */
export function checkSlackRequest(
  rawBody: string,
  headers: IncomingHttpHeaders,
  signingSecret: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): SlackRefusal | undefined {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return 'unsigned';
  if (!TIMESTAMP_PATTERN.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_SECONDS) {
    return 'stale-or-future';
  }
  if (!SIGNATURE_PATTERN.test(signature)) return 'bad-signature';
  const expected = Buffer.from(
    `${SIGNATURE_VERSION}=${createHmac('sha256', signingSecret).update(`${SIGNATURE_VERSION}:${timestamp}:${rawBody}`).digest('hex')}`,
  );
  if (!timingSafeEqual(expected, Buffer.from(signature))) return 'bad-signature';
  if (mediaType(headers['content-type']) === FORM_MEDIA_TYPE && hasRepeatedKey(rawBody)) return 'repeated-key';
  return undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function hasRepeatedKey(form: string): boolean {
  const seen = new Set<string>();
  for (const key of new URLSearchParams(form).keys()) {
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The door in front of Bolt's own verification (see the file's comment). */
export function slackEdgeGuard(signingSecret: string, log: Logger): RequestHandler {
  const readRaw = express.raw({ type: () => true, limit: SLACK_BODY_LIMIT_BYTES, inflate: false });
  return (req, res, next) => {
    readRaw(req, res, (err?: unknown) => {
      if (err) {
        const status = (err as { status?: unknown }).status === 413 ? 413 : 400;
        log.debug({ status }, 'slack request refused: unreadable body');
        res.status(status).end();
        return;
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const refusal = checkSlackRequest(raw.toString('utf8'), req.headers, signingSecret);
      if (refusal) {
        log.debug({ refusal, status: STATUS_OF[refusal] }, 'slack request refused');
        res.status(STATUS_OF[refusal]).end();
        return;
      }
      // Bolt reads the body from here instead of the (already consumed) stream, and verifies again.
      (req as { rawBody?: Buffer }).rawBody = raw;
      next();
    });
  };
}

/** An ExpressReceiver whose events endpoint sits behind `slackEdgeGuard`. */
export function createSlackReceiver(log: Logger, options: ExpressReceiverOptions & { signingSecret: string }): ExpressReceiver {
  const app = express();
  const endpoints = options.endpoints ?? '/slack/events';
  for (const path of typeof endpoints === 'string' ? [endpoints] : Object.values(endpoints)) {
    app.post(path, slackEdgeGuard(options.signingSecret, log));
  }
  return new ExpressReceiver({ bodyLimit: SLACK_BODY_LIMIT_BYTES, ...options, app });
}
