/**
 * A CSV import in Slack (chat-import.ts): the dry-run report with Import and Cancel, the progress
 * message, and the final report. Everything from the file (its name, the cells quoted in a bad
 * row's reason, stage names, headers) is the person's data: escaped, never markup.
 */
import type { KnownBlock } from '@slack/types';
import { encodePending, moreBadRows, type ImportReportView, type PendingImport } from '../../chat-import.js';
import { IMPORT_ACTIONS, IMPORT_BLOCKS } from '../ids.js';
import { escapeControl, escapeMrkdwn } from './escape.js';
import { button, context, linesSection, section } from './parts.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export const IMPORT_BUTTONS = { confirm: 'Import', cancel: 'Cancel' } as const;

/** Our own words with `code` spans (a stage mapping, a command) around the file's words: all escaped. */
const withCode = (text: string) =>
  text
    .split(/(`[^`]*`)/)
    .map((part) => (part.length > 1 && part.startsWith('`') && part.endsWith('`') ? `\`${escapeControl(part.slice(1, -1))}\`` : escapeMrkdwn(part)))
    .join('');

/** A report (a dry run with its buttons when `pending` is given, or an import's result). */
export function importReportMessage(view: ImportReportView, pending?: PendingImport): SlackMessage {
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(view.heading)}*\n${escapeMrkdwn(view.counts)}`)];
  if (view.bad.length > 0) {
    blocks.push(
      linesSection(
        `*${escapeMrkdwn(view.badTitle)}*`,
        view.bad.map((b) => `• ${escapeMrkdwn(b)}`),
        { hidden: view.moreBad, more: (notShown) => escapeMrkdwn(moreBadRows(notShown)) },
      ),
    );
  }
  for (const stage of view.stages.slice(0, 10)) blocks.push(section(withCode(stage)));
  if (view.notes.length > 0) blocks.push(context(...view.notes.map(escapeMrkdwn)));
  if (pending) {
    if (view.canImport) {
      const value = encodePending(pending);
      blocks.push({
        type: 'actions',
        block_id: IMPORT_BLOCKS.actions,
        elements: [button(IMPORT_BUTTONS.confirm, IMPORT_ACTIONS.confirm, { value, style: 'primary' }), button(IMPORT_BUTTONS.cancel, IMPORT_ACTIONS.cancel, { value })],
      });
    } else {
      blocks.push(context('Nothing to import: every good row is already there, so there is no Import button.'));
    }
  }
  return { text: view.summary, blocks };
}

/** A short line (progress, a refusal) as a message. */
export function importLine(text: string): SlackMessage {
  return { text, blocks: [section(escapeMrkdwn(text))] };
}

/**
 * The report as it was posted (the click's `message.blocks`), its buttons taken away or put back,
 * with a status line under it saying what became of it (`status` undefined: the line it has stays).
 */
export function reportWithStatus(blocks: KnownBlock[] | undefined, fallback: string, status: string | undefined, keepButtons: boolean): SlackMessage {
  const posted = blocks ?? [section(escapeMrkdwn(fallback))];
  const kept = posted.filter((b) => (status === undefined || b.block_id !== IMPORT_BLOCKS.status) && (keepButtons || b.block_id !== IMPORT_BLOCKS.actions));
  if (status === undefined) return { text: fallback, blocks: kept };
  const statusBlock: KnownBlock = { ...context(escapeMrkdwn(status)), block_id: IMPORT_BLOCKS.status };
  const at = kept.findIndex((b) => b.block_id === IMPORT_BLOCKS.actions);
  const out = at === -1 ? [...kept, statusBlock] : [...kept.slice(0, at), statusBlock, ...kept.slice(at)];
  return { text: `${fallback} ${status}`, blocks: out };
}
