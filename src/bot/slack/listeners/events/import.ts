/**
 * A CSV file sent to the app in a direct message (a `message` event of subtype `file_share` in an
 * `im` channel: event `message.im`, scope `im:history`): its dry run, answered in the DM with
 * Import and Cancel (chat-import.ts). Bolt has acknowledged the event before this runs, and a
 * retried delivery of the same event id stops at the inbox (dedupe.ts), so one file gets one report.
 *
 * Who may import is asked before anything is downloaded: a member who is not an admin is told who
 * the admins are. A file that is not a CSV, or is over CHAT_IMPORT_LIMITS.maxBytes, is refused in
 * words without being downloaded. A message without a file gets a line on what the DM is for.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../domain/index.js';
import { CHAT_IMPORT_LIMITS, CHAT_IMPORT_TEXT, ChatImports, DownloadError, downloadFailure, fileRefusal, importReport, readImportOptions, type ImportOptions } from '../../../chat-import.js';
import { importLine, importReportMessage, type SlackMessage } from '../../blocks/import.js';
import { downloadSlackFile, fileInfo, fileNameOf, isComplete, type SlackFile } from '../../import-files.js';
import { actorOf, errorText, type SlackDeps } from '../context.js';

export const SLACK_IMPORT_TEXT = {
  /** A message in the DM without a file. */
  dmHint:
    'I read CSV files sent here, to import them into the CRM (admins only): send one and I answer with a dry run first. For everything else use `/deal` (`/deal help` lists what I do, `/deal import` how importing works).',
} as const;

/** The message event fields this listener reads. */
interface DirectMessage {
  type: 'message';
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  files?: SlackFile[];
}

export function registerImportMessages(app: App, deps: SlackDeps, imports: ChatImports): void {
  app.event('message', async ({ event, body, client, context }) => {
    const message = event as unknown as DirectMessage;
    // Only people's own messages in a DM with the app: not its own posts, edits, or other channels.
    if (message.channel_type !== 'im' || !message.user || message.bot_id) return;
    if (message.subtype !== undefined && message.subtype !== 'file_share') return;
    const post = (msg: SlackMessage) => client.chat.postMessage({ channel: message.channel, ...msg, unfurl_links: false, unfurl_media: false });

    let actor: Actor;
    try {
      actor = await actorOf(deps, { ...body, user_id: message.user }, client, context);
    } catch (err) {
      await post(importLine(errorText(err, deps.log)));
      return;
    }
    const files = message.files ?? [];
    if (files.length === 0) {
      await post({ text: SLACK_IMPORT_TEXT.dmHint, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: SLACK_IMPORT_TEXT.dmHint } }] });
      return;
    }
    try {
      // Refused before anything is downloaded: the words name the admins.
      await deps.crm.imports.check(actor);
    } catch (err) {
      await post(importLine(errorText(err, deps.log)));
      return;
    }
    const read = readImportOptions(message.text);
    if (!read.ok) {
      await post(importLine(`${read.message} Nothing was read: send the file again with that fixed.`));
      return;
    }
    const token = context.botToken ?? client.token;
    for (const file of files.slice(0, CHAT_IMPORT_LIMITS.filesPerMessage)) {
      await dryRun(deps, imports, client, token, actor, message.channel, file, read.options);
    }
    if (files.length > CHAT_IMPORT_LIMITS.filesPerMessage) await post(importLine(CHAT_IMPORT_TEXT.tooMany(files.length - CHAT_IMPORT_LIMITS.filesPerMessage)));
  });
}

/** One file: "Reading…", downloaded, its dry run in place of that line. */
async function dryRun(
  deps: SlackDeps,
  imports: ChatImports,
  client: WebClient,
  token: string | undefined,
  actor: Actor,
  channel: string,
  file: SlackFile,
  options: ImportOptions,
): Promise<void> {
  const name = fileNameOf(file);
  const refusal = fileRefusal({ name, ...(file.size !== undefined && { size: file.size }), ...(file.mimetype && { mimetype: file.mimetype }), ...(file.filetype && { filetype: file.filetype }) });
  if (refusal) {
    await client.chat.postMessage({ channel, ...importLine(refusal) });
    return;
  }
  const posted = await client.chat.postMessage({ channel, ...importLine(CHAT_IMPORT_TEXT.reading(name)) });
  const show = async (msg: SlackMessage) => {
    if (posted.ts) await client.chat.update({ channel: posted.channel ?? channel, ts: posted.ts, ...msg });
    else await client.chat.postMessage({ channel, ...msg });
  };
  try {
    const described = isComplete(file) ? file : await fileInfo(client, file.id);
    const bytes = await downloadSlackFile(described, token);
    const { plan, pending } = await imports.dryRun(actor, { name, src: file.id, bytes }, options);
    await show(importReportMessage(importReport(plan, 'dry', '/deal'), pending));
  } catch (err) {
    await show(importLine(err instanceof DownloadError ? downloadFailure(name, err) : CHAT_IMPORT_TEXT.notRead(name, errorText(err, deps.log))));
  }
}
