/**
 * Import and Cancel under a CSV dry run in the DM (chat-import.ts). Both carry the pending import
 * (the file's id, the dry run's digests, preset, kind, stage map, who, when): nothing is held in
 * memory between the report and the click, so a restart in between loses nothing.
 *
 * Import: the dry run's inbox key is claimed (a double click or a retry finds it taken and is told
 * "already imported", or "being imported"); the report loses its buttons and says the import was
 * confirmed; a new message says "Importing…", is edited with the progress at most every few
 * seconds, and ends as the import's report. The file is read again (files.info, then its
 * `url_private_download` with the bot token) and imported only if it is the one the dry run read
 * and every row is decided as it was (else the CONFLICT refusal, in words). A failure that wrote
 * nothing and may pass puts the buttons back. Cancel: the buttons go, "Cancelled".
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { CHAT_IMPORT_TEXT, decodePending, pendingCounts, type ChatImports, type PendingImport } from '../../../chat-import.js';
import { importLine, importReportMessage, reportWithStatus, type SlackMessage } from '../../blocks/import.js';
import { IMPORT_ACTIONS, IMPORT_BLOCKS } from '../../ids.js';
import { downloadSlackFile, fileInfo } from '../../import-files.js';
import type { SlackDeps } from '../context.js';
import { actionKit, StaleButton, type ButtonArgs } from './kit.js';

/** Where the report is: its channel and message, and its blocks as posted. */
function reportOf(body: BlockAction<ButtonAction>): { channel: string; ts: string; blocks: KnownBlock[] | undefined } | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  if (!channel || !ts) return undefined;
  return { channel, ts, blocks: body.message?.blocks as KnownBlock[] | undefined };
}

/** Whether the message as the clicker saw it still had Import and Cancel (a double click's second). */
const hasButtons = (blocks: KnownBlock[] | undefined) => Boolean(blocks?.some((b) => b.block_id === IMPORT_BLOCKS.actions));

export function registerImportButtons(app: App, deps: SlackDeps, imports: ChatImports): void {
  const kit = actionKit(app, deps);

  /** The pending import and the report it is under, or the stale-button refusal. */
  const read = (a: ButtonArgs) => {
    const pending = decodePending(a.action.value);
    const report = reportOf(a.body);
    if (!pending || !report) throw new StaleButton(CHAT_IMPORT_TEXT.stale);
    return { pending, report };
  };
  const tell = (a: ButtonArgs, text: string) => a.respond({ response_type: 'ephemeral', replace_original: false, text });
  const editReport = async (a: ButtonArgs, report: NonNullable<ReturnType<typeof reportOf>>, pending: PendingImport, status: string | undefined, keepButtons: boolean) => {
    await a.client.chat.update({ channel: report.channel, ts: report.ts, ...reportWithStatus(report.blocks, pendingCounts(pending), status, keepButtons) });
  };

  kit.on(IMPORT_ACTIONS.confirm, async (a, actor) => {
    const { pending, report } = read(a);
    const outcome = await imports.begin(actor, pending, 'import');
    if (outcome.kind === 'no') {
      await tell(a, outcome.text);
      if (outcome.removeButtons && hasButtons(report.blocks)) await editReport(a, report, pending, undefined, false);
      return;
    }
    if (outcome.kind === 'cancelled') return;
    // The buttons go first: the report now says the import was confirmed.
    await editReport(a, report, pending, CHAT_IMPORT_TEXT.confirmed, false);
    const token = (a.context as { botToken?: string }).botToken ?? a.client.token;
    let progressTs: string | undefined;
    const show = async (msg: SlackMessage) => {
      if (progressTs) {
        await a.client.chat.update({ channel: report.channel, ts: progressTs, ...msg });
        return;
      }
      const posted = await a.client.chat.postMessage({ channel: report.channel, ...msg, unfurl_links: false, unfurl_media: false });
      progressTs = posted.ts;
    };
    await imports.run(actor, pending, {
      download: async () => downloadSlackFile(await fileInfo(a.client, pending.src), token),
      progress: (text) => show(importLine(text)),
      done: (view) => show(importReportMessage(view)),
      failed: async (text, retry) => {
        await show(importLine(text));
        // Nothing was written and it may pass later: the buttons come back.
        if (retry) await editReport(a, report, pending, CHAT_IMPORT_TEXT.tryAgain, true);
      },
    });
  });

  kit.on(IMPORT_ACTIONS.cancel, async (a, actor) => {
    const { pending, report } = read(a);
    const outcome = await imports.begin(actor, pending, 'cancel');
    if (outcome.kind === 'cancelled') {
      await editReport(a, report, pending, outcome.text, false);
      return;
    }
    if (outcome.kind === 'no') {
      await tell(a, outcome.text);
      if (outcome.removeButtons && hasButtons(report.blocks)) await editReport(a, report, pending, undefined, false);
    }
  });
}
