/**
 * A CSV import in Teams (chat-import.ts): the dry-run card with Import and Cancel (Action.Execute,
 * Action.Submit on older clients), the card it becomes once answered (the counts and what became
 * of it), and the import's report. The file's name, the cells quoted in a bad row's reason, stage
 * names and headers are the person's data: escaped.
 */
import { moreBadRows, pendingCounts, type ImportReportView, type PendingImport } from '../../chat-import.js';
import { VERBS } from '../ids.js';
import { card, execute, text, type CardAction, type CardElement } from './parts.js';
import type { TeamsMessage } from './reply.js';
import { escapeMarkdown, ourText, truncate } from './text.js';

export const IMPORT_CARD_TEXT = { confirm: 'Import', cancel: 'Cancel' } as const;

/** A line of the report at most (a bad row's reason quotes a cell). */
const LINE_MAX = 500;

/** Import and Cancel, both carrying the pending import. */
export function importButtons(pending: PendingImport): CardAction[] {
  return [
    execute(IMPORT_CARD_TEXT.confirm, VERBS.importConfirm, { pending }, { style: 'positive' }),
    execute(IMPORT_CARD_TEXT.cancel, VERBS.importCancel, { pending }),
  ];
}

/** A report: a dry run with Import and Cancel when `pending` is given, or an import's result. */
export function importReportCard(view: ImportReportView, pending?: PendingImport): TeamsMessage {
  const body: CardElement[] = [text(escapeMarkdown(view.heading), { weight: 'Bolder' }), text(escapeMarkdown(view.counts), { spacing: 'None' })];
  if (view.bad.length > 0) {
    body.push(text(escapeMarkdown(view.badTitle), { weight: 'Bolder', spacing: 'Medium' }));
    for (const line of view.bad) body.push(text(escapeMarkdown(truncate(line, LINE_MAX)), { spacing: 'None' }));
    if (view.moreBad > 0) body.push(text(escapeMarkdown(moreBadRows(view.moreBad)), { spacing: 'None', subtle: true }));
  }
  for (const stage of view.stages.slice(0, 10)) body.push(text(ourText(truncate(stage, 2 * LINE_MAX)), { color: 'Warning', spacing: 'Medium' }));
  for (const note of view.notes) body.push(text(escapeMarkdown(truncate(note, LINE_MAX)), { subtle: true, size: 'Small', spacing: 'Small' }));
  let actions: CardAction[] = [];
  if (pending && view.canImport) actions = importButtons(pending);
  else if (pending) body.push(text('Nothing to import: every good row is already there, so there is no Import button.', { subtle: true }));
  return { summary: view.summary, card: card(body, actions, view.summary) };
}

/**
 * The dry-run card once answered (its full report is not carried by the buttons): the counts and
 * what became of it; `withButtons` puts Import and Cancel back (a failure that may pass).
 */
export function importStatusCard(pending: PendingImport, status: string, withButtons = false): TeamsMessage {
  const counts = pendingCounts(pending);
  const body = [text(escapeMarkdown(counts)), text(escapeMarkdown(status), { weight: 'Bolder' })];
  return { summary: `${counts} ${status}`, card: card(body, withButtons ? importButtons(pending) : [], `${counts} ${status}`) };
}
