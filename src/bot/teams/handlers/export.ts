/**
 * `deal export` in Teams. Teams lets a bot send a file only in its personal chat with someone,
 * and only with their consent, to their OneDrive:
 *
 * 1. The command answers at once ("Preparing your export…"); the files are written in the
 *    background (a message not answered within 15 s is delivered again) and a file consent card
 *    per file is posted to the person's personal chat with the bot (cards/files.ts).
 * 2. Accept: Teams sends `fileConsent/invoke` with an upload URL (a OneDrive upload session). The
 *    invoke is answered at once (Teams waits about 5 s); in the background the file is written
 *    again, fresh, for the person who accepted (the domain checks again who may), PUT to the URL
 *    in ranges (`Content-Range`), and a file info card posted that opens it. Nothing is kept
 *    between the card and the Accept, so a restart or another replica in between loses nothing.
 * 3. Decline: the person is told the file was not sent.
 * A failure on the way is told in the personal chat, in words.
 */
import { open, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FileConsentCardResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { inBackground } from '../../../background.js';
import { EXPORT_FILES } from '../../../data/export.js';
import type { Actor } from '../../../domain/index.js';
import { EXPORT_FILE_OF, EXPORT_KINDS, type ExportedFile, type ExportKind } from '../../../domain/exports/export.service.js';
import type { ExportOutcome, ExportPort, ExportRequest } from '../../commands/export-port.js';
import { exportedFilesText, exportLabel } from '../../commands/families/export.js';
import { errorReply } from '../../messages.js';
import { exportConsentCard, fileInfoCard } from '../cards/files.js';
import { PREFIX, type TeamsDeps } from './context.js';

export const TEAMS_EXPORT_LIMITS = {
  /** Bytes per PUT to the upload session: a multiple of 320 KiB, as OneDrive asks, well under its 60 MiB. */
  chunkBytes: 16 * 320 * 1024,
  /** Tries of one range, the first included (a 5xx, a dropped connection, a 429). */
  attempts: 3,
  /** The longest Retry-After waited, in seconds. */
  maxRetryAfterS: 30,
  backoffMs: 1000,
  /** One PUT, at most. */
  timeoutMs: 60_000,
} as const;

export const TEAMS_EXPORT_TEXT = {
  preparing: (label: string, here: boolean) =>
    `Preparing ${label}… Each file comes ${here ? 'here' : 'to our personal chat'} to accept: accepting saves it to your OneDrive.`,
  noPersonalChat: 'Teams sends files only in a personal chat, and I have no personal chat with you yet, so nothing was exported.',
  noPersonalChatHint: `Open a chat with me (Apps → CRM → Chat), say hi, then type \`${PREFIX} export\` there.`,
  ready: (files: string) => `Your export is ready: ${files}. Accept each file to save it to your OneDrive.`,
  notPrepared: (why: string) => `I couldn’t prepare your export: ${why}`,
  saved: (name: string) => `${name} is in your OneDrive.`,
  declined: (name: string) => `Not sent: you declined ${name}, so it was not saved to your OneDrive.`,
  uploadFailed: (name: string, why: string) => `I couldn’t save ${name} to your OneDrive (${why}). Type \`${PREFIX} export\` to try again.`,
  stale: 'That file card is from an export this version does not know. Type `deal export` to get the files again.',
} as const;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The export port of one `deal export` typed in Teams. */
export function teamsExports(deps: TeamsDeps, context: TurnContext, actor: Actor): ExportPort {
  return {
    send: async (request: ExportRequest): Promise<ExportOutcome> => {
      const personal = await deps.crm.teamsConversations.findPersonal(actor.workspaceId, actor.memberId);
      if (!personal) return { ok: false, message: TEAMS_EXPORT_TEXT.noPersonalChat, hint: TEAMS_EXPORT_TEXT.noPersonalChatHint };
      const here = (context.activity.conversation?.conversationType ?? 'personal') === 'personal';
      const say = (activity: Parameters<TeamsDeps['sender']['send']>[1]) => deps.sender.send(personal.reference, activity);
      // After the answer: the turn ends now, the files follow as consent cards.
      inBackground(deps.log, 'teams export', async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'crm-teams-export-'));
        try {
          const result = await request.writeTo(dir);
          for (const file of result.files) await say({ type: 'message', attachments: [exportConsentCard(file, result.workspace)] });
          await say({ type: 'message', text: TEAMS_EXPORT_TEXT.ready(exportedFilesText(result)) });
        } catch (err) {
          await say({ type: 'message', text: TEAMS_EXPORT_TEXT.notPrepared(errorReply(err, deps.log, PREFIX).message) }).catch(() => undefined);
          throw err;
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
      return { ok: true, message: TEAMS_EXPORT_TEXT.preparing(exportLabel(request.what), here) };
    },
  };
}

const consentSchema = z.object({ export: z.enum(EXPORT_FILES) });
const uploadInfoSchema = z.object({
  name: z.string().min(1).max(300),
  uploadUrl: z.string().url().startsWith('https://'),
  contentUrl: z.string().url().startsWith('https://'),
  uniqueId: z.string().min(1).max(300),
  fileType: z.string().max(20).optional(),
});

const KIND_OF_FILE = new Map(EXPORT_KINDS.map((k) => [EXPORT_FILE_OF[k], k] as [string, ExportKind]));

/**
 * Accept on a consent card: answered at once; the file written again, uploaded and shown in the
 * background (invokes must be answered within about 5 s).
 */
export async function onExportAccepted(deps: TeamsDeps, context: TurnContext, actor: Actor, response: FileConsentCardResponse, sleep = sleepFor): Promise<void> {
  const consent = consentSchema.safeParse(response.context);
  const upload = uploadInfoSchema.safeParse(response.uploadInfo);
  if (!consent.success || !upload.success) {
    await context.sendActivity({ type: 'message', text: TEAMS_EXPORT_TEXT.stale });
    return;
  }
  const name = consent.data.export;
  const kind = KIND_OF_FILE.get(name)!;
  const info = upload.data;
  const personal = await deps.crm.teamsConversations.findPersonal(actor.workspaceId, actor.memberId);
  if (!personal) {
    await context.sendActivity({ type: 'message', text: TEAMS_EXPORT_TEXT.noPersonalChat });
    return;
  }
  const say = (activity: Parameters<TeamsDeps['sender']['send']>[1]) => deps.sender.send(personal.reference, activity);
  inBackground(deps.log, 'teams export upload', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crm-teams-upload-'));
    try {
      const result = await deps.crm.exports.toFolder(actor, kind, dir);
      const file = result.files[0]!;
      await putInRanges(info.uploadUrl, file, sleep);
      await say({
        type: 'message',
        text: TEAMS_EXPORT_TEXT.saved(file.name),
        attachments: [fileInfoCard({ name: info.name, contentUrl: info.contentUrl, uniqueId: info.uniqueId, fileType: info.fileType ?? 'csv' })],
      });
    } catch (err) {
      const why = err instanceof UploadError ? err.message : errorReply(err, deps.log, PREFIX).message;
      await say({ type: 'message', text: TEAMS_EXPORT_TEXT.uploadFailed(name, why) }).catch(() => undefined);
      if (!(err instanceof UploadError)) throw err;
      deps.log.warn({ err, file: name }, 'teams export upload failed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/** Decline on a consent card: said at once. */
export async function onExportDeclined(context: TurnContext, response: FileConsentCardResponse): Promise<void> {
  const consent = consentSchema.safeParse(response.context);
  await context.sendActivity({ type: 'message', text: consent.success ? TEAMS_EXPORT_TEXT.declined(consent.data.export) : TEAMS_EXPORT_TEXT.stale });
}

export class UploadError extends Error {}

/**
 * PUTs the file to a OneDrive upload session, a range at a time (`Content-Range: bytes a-b/total`):
 * 202 for a range taken, 200 or 201 when the file is complete. A range is tried again after a 5xx
 * or a dropped connection, and after a 429's Retry-After when short.
 */
export async function putInRanges(
  url: string,
  file: Pick<ExportedFile, 'path' | 'bytes'>,
  sleep: (ms: number) => Promise<void>,
  chunkBytes: number = TEAMS_EXPORT_LIMITS.chunkBytes,
): Promise<void> {
  const handle = await open(file.path, 'r');
  try {
    const total = file.bytes;
    for (let start = 0; start < total; start += chunkBytes) {
      const length = Math.min(chunkBytes, total - start);
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, start);
      await putRange(url, chunk, start, total, sleep);
    }
  } finally {
    await handle.close();
  }
}

async function putRange(url: string, chunk: Buffer, start: number, total: number, sleep: (ms: number) => Promise<void>): Promise<void> {
  const end = start + chunk.length - 1;
  for (let attempt = 1; ; attempt++) {
    let why: string;
    let waitMs: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'PUT',
        headers: { 'content-length': String(chunk.length), 'content-range': `bytes ${start}-${end}/${total}` },
        body: chunk,
        signal: AbortSignal.timeout(TEAMS_EXPORT_LIMITS.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      why = `OneDrive answered HTTP ${res.status}`;
      const retryAfter = Number(res.headers.get('retry-after') ?? 1);
      waitMs =
        res.status === 429 ? (retryAfter <= TEAMS_EXPORT_LIMITS.maxRetryAfterS ? Math.max(0, retryAfter) * 1000 : undefined) : res.status >= 500 ? TEAMS_EXPORT_LIMITS.backoffMs : undefined;
    } catch (err) {
      why = `the upload to OneDrive failed: ${err instanceof Error ? err.message : String(err)}`;
      waitMs = TEAMS_EXPORT_LIMITS.backoffMs;
    }
    if (waitMs === undefined || attempt >= TEAMS_EXPORT_LIMITS.attempts) throw new UploadError(why);
    await sleep(waitMs);
  }
}
