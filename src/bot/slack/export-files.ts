/**
 * `/deal export` in Slack: the CSV files posted to the person's direct message with the app,
 * through Slack's upload flow (files.getUploadURLExternal → the bytes POSTed to the upload URL it
 * gives → files.completeUploadExternal, which shares them in the DM that conversations.open
 * gives). The command is acknowledged before this runs (the inbox, inbox.ts); the person is told
 * "Preparing your export…" first, then what was sent, or why not, in words.
 *
 * All the files are shared by ONE completeUploadExternal call: until it succeeds nothing is
 * visible (an upload never completed stays private to the app, and Slack discards it), so a
 * failure on the way leaves no half-posted export. What may be tried again is: a call Slack
 * throttles (HTTP 429: after its Retry-After, when that is short), and before the completion a
 * 5xx or a dropped connection. A completion answered with a 5xx or lost on the way may have
 * posted the files: it is not repeated (the files could appear twice), and the person is told to
 * look before asking again.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ExportedFile, ExportResult } from '../../domain/exports/export.service.js';
import type { Logger } from '../../log.js';
import type { ExportOutcome, ExportPort, ExportRequest } from '../commands/export-port.js';
import { exportedFilesText, exportLabel } from '../commands/families/export.js';

export const SLACK_EXPORT_LIMITS = {
  /** Tries of one step, the first included. */
  attempts: 3,
  /** The longest Retry-After waited, in seconds; a longer one ends the export (nothing posted). */
  maxRetryAfterS: 30,
  /** The wait before trying a step again after a 5xx or a dropped connection. */
  backoffMs: 1000,
  /** One Web API call or upload, at most. */
  timeoutMs: 60_000,
} as const;

export const SLACK_EXPORT_TEXT = {
  preparing: 'Preparing your export…',
  sent: (label: string, files: string) => `Sent ${label} to our direct messages: ${files}.`,
  comment: (result: ExportResult, label: string) =>
    `${capitalise(label)} from ${result.workspace}, as it was at ${result.at.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${exportedFilesText(result)}.`,
  notSent: (why: string) => `I couldn’t send your export: ${why}. Nothing was posted; please try again in a few minutes.`,
  unconfirmed: (why: string) =>
    `Slack didn’t confirm that your export was posted (${why}). If the files aren’t in our direct messages in a minute, ask again.`,
} as const;

/** A step that failed, in words; `maybePosted` when the files may have been shared all the same. */
class UploadFailure extends Error {
  constructor(
    readonly words: string,
    readonly maybePosted = false,
  ) {
    super(words);
  }
}

export interface SlackExportOptions {
  client: WebClient;
  /** The person's Slack user id: their DM with the app gets the files. */
  userId: string;
  /** Says something where the command was typed (the response URL). */
  say(text: string): Promise<void>;
  log: Logger;
  /** `/deal` (how the hint names the command). */
  prefix?: string;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The export port of one `/deal export` typed in Slack. */
export function slackExports(opts: SlackExportOptions): ExportPort {
  return {
    send: async (request: ExportRequest): Promise<ExportOutcome> => {
      const label = exportLabel(request.what);
      await opts.say(SLACK_EXPORT_TEXT.preparing).catch((err: unknown) => opts.log.warn({ err }, 'could not say the export is being prepared'));
      const dir = await mkdtemp(path.join(os.tmpdir(), 'crm-slack-export-'));
      try {
        const result = await request.writeTo(dir);
        try {
          await postToDm(uploadClient(opts.client), opts.userId, result, label, opts.sleep ?? sleepFor);
        } catch (err) {
          if (!(err instanceof UploadFailure)) throw err;
          opts.log.warn({ err, maybePosted: err.maybePosted }, 'export not posted to Slack');
          const hint = `${opts.prefix ?? '/deal'} export${request.what === 'all' ? '' : ` ${request.what}`}`;
          return { ok: false, message: err.maybePosted ? SLACK_EXPORT_TEXT.unconfirmed(err.words) : SLACK_EXPORT_TEXT.notSent(err.words), hint };
        }
        return { ok: true, message: SLACK_EXPORT_TEXT.sent(label, exportedFilesText(result)) };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A client of the same token whose calls are tried once each (the steps below decide what is
 * tried again): Bolt's own retries for ten minutes and waits out any Retry-After, and could
 * repeat the completion.
 */
function uploadClient(client: WebClient): WebClient {
  return new webApi.WebClient(client.token, {
    slackApiUrl: client.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: SLACK_EXPORT_LIMITS.timeoutMs,
    logLevel: webApi.LogLevel.ERROR,
  });
}

async function postToDm(web: WebClient, userId: string, result: ExportResult, label: string, sleep: (ms: number) => Promise<void>): Promise<void> {
  const opened = await step('opening our direct messages', sleep, true, () => web.conversations.open({ users: userId }));
  const channel = opened.channel?.id;
  if (!channel) throw new UploadFailure('Slack gave no direct message to post to');
  const uploaded: { id: string; title: string }[] = [];
  for (const file of result.files) {
    const target = await step(`getting an upload address for ${file.name}`, sleep, true, () => web.files.getUploadURLExternal({ filename: file.name, length: file.bytes }));
    if (!target.upload_url || !target.file_id) throw new UploadFailure(`Slack gave no upload address for ${file.name}`);
    await uploadBytes(target.upload_url, file, sleep);
    uploaded.push({ id: target.file_id, title: file.name });
  }
  const [first, ...rest] = uploaded;
  if (!first) return;
  // One completion shares every file at once: before it, nothing is visible in the DM.
  await step('posting the files', sleep, false, () =>
    web.files.completeUploadExternal({ files: [first, ...rest], channel_id: channel, initial_comment: SLACK_EXPORT_TEXT.comment(result, label) }),
  );
}

/** POSTs a file's bytes (read from disk as they go) to the address Slack gave. */
async function uploadBytes(url: string, file: ExportedFile, sleep: (ms: number) => Promise<void>): Promise<void> {
  if (!/^https:\/\//.test(url)) throw new UploadFailure(`Slack gave an upload address for ${file.name} that is not https`);
  for (let attempt = 1; ; attempt++) {
    let failure: { words: string; waitMs: number | undefined };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        body: await openAsBlob(file.path, { type: 'text/csv' }),
        signal: AbortSignal.timeout(SLACK_EXPORT_LIMITS.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      const retryAfter = Number(res.headers.get('retry-after'));
      failure = {
        words: `uploading ${file.name} failed (HTTP ${res.status})`,
        waitMs: res.status === 429 ? retryWait(Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1) : res.status >= 500 ? SLACK_EXPORT_LIMITS.backoffMs : undefined,
      };
    } catch (err) {
      failure = { words: `uploading ${file.name} failed (${err instanceof Error ? err.message : String(err)})`, waitMs: SLACK_EXPORT_LIMITS.backoffMs };
    }
    if (failure.waitMs === undefined || attempt >= SLACK_EXPORT_LIMITS.attempts) throw new UploadFailure(failure.words);
    await sleep(failure.waitMs);
  }
}

/**
 * One Web API call, tried again after a throttle (its Retry-After, when short) and, when `safe`
 * (nothing visible happens twice), after a 5xx or a dropped connection.
 */
async function step<T>(what: string, sleep: (ms: number) => Promise<void>, safe: boolean, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let words: string;
    let waitMs: number | undefined;
    let maybePosted = false;
    try {
      return await call();
    } catch (err) {
      const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
      switch (e.code) {
        case webApi.ErrorCode.RateLimitedError:
          words = `Slack asked me to slow down while ${what}`;
          waitMs = retryWait(e.retryAfter ?? 1);
          break;
        case webApi.ErrorCode.HTTPError:
          words = `Slack answered HTTP ${e.statusCode ?? '?'} while ${what}`;
          maybePosted = !safe;
          waitMs = safe && (e.statusCode ?? 0) >= 500 ? SLACK_EXPORT_LIMITS.backoffMs : undefined;
          break;
        case webApi.ErrorCode.PlatformError:
          // Refused: nothing was done (ratelimited is Slack's word for a throttle in the body).
          words = `Slack refused ${what} (${e.data?.error ?? 'an error'})`;
          waitMs = e.data?.error === 'ratelimited' ? SLACK_EXPORT_LIMITS.backoffMs : undefined;
          break;
        case webApi.ErrorCode.RequestError:
          words = `the connection to Slack failed while ${what}`;
          maybePosted = !safe;
          waitMs = safe ? SLACK_EXPORT_LIMITS.backoffMs : undefined;
          break;
        default:
          throw err;
      }
    }
    if (waitMs === undefined || attempt >= SLACK_EXPORT_LIMITS.attempts) throw new UploadFailure(words, maybePosted);
    await sleep(waitMs);
  }
}

/** Slack's Retry-After in ms, or undefined (give up) when it is longer than we wait. */
function retryWait(seconds: number): number | undefined {
  return seconds <= SLACK_EXPORT_LIMITS.maxRetryAfterS ? seconds * 1000 : undefined;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
