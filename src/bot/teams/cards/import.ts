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
import { fitsCard } from './limits.js';
import { escapeMarkdown, ourText, truncate } from './text.js';

export const IMPORT_CARD_TEXT = { confirm: 'Import', cancel: 'Cancel' } as const;

/** A line of the report at most (a bad row's reason quotes a cell), then shorter while the card is too big. */
const LINE_MAX = [500, 250, 120] as const;
/** Bad rows, unknown stages and notes shown, fewer while the card is too big. */
const SHOWN = [10, 5, 3, 1, 0] as const;

/**
 * Import and Cancel, both carrying the pending import (Cancel without the file's address and the
 * stage map, which it does not read: the card holds each button's data twice, for the fallback).
 */
export function importButtons(pending: PendingImport): CardAction[] {
  const { s: _stageMap, ...cancel } = pending;
  return [
    execute(IMPORT_CARD_TEXT.confirm, VERBS.importConfirm, { pending }, { style: 'positive' }),
    execute(IMPORT_CARD_TEXT.cancel, VERBS.importCancel, { pending: { ...cancel, src: '-' } }),
  ];
}

/**
 * A report: a dry run with Import and Cancel when `pending` is given, or an import's result. The
 * most it can show within Teams' card budget: shorter lines, then fewer of them, each cut said.
 */
export function importReportCard(view: ImportReportView, pending?: PendingImport): TeamsMessage {
  let built: TeamsMessage | undefined;
  for (const lineMax of LINE_MAX) {
    for (const shown of SHOWN) {
      built = reportCard(view, pending, lineMax, shown);
      if (fitsCard(built.card)) return built;
    }
  }
  return built!;
}

function reportCard(view: ImportReportView, pending: PendingImport | undefined, lineMax: number, shown: number): TeamsMessage {
  const body: CardElement[] = [text(escapeMarkdown(view.heading), { weight: 'Bolder' }), text(escapeMarkdown(view.counts), { spacing: 'None' })];
  if (view.bad.length > 0) {
    const bad = view.bad.slice(0, shown);
    const more = view.moreBad + view.bad.length - bad.length;
    body.push(text(escapeMarkdown(view.badTitle), { weight: 'Bolder', spacing: 'Medium' }));
    for (const line of bad) body.push(text(escapeMarkdown(truncate(line, lineMax)), { spacing: 'None' }));
    if (more > 0) body.push(text(escapeMarkdown(moreBadRows(more)), { spacing: 'None', subtle: true }));
  }
  const stages = view.stages.slice(0, shown);
  for (const stage of stages) body.push(text(ourText(truncate(stage, 2 * lineMax)), { color: 'Warning', spacing: 'Medium' }));
  if (view.stages.length > stages.length) body.push(text(`…and ${view.stages.length - stages.length} more unknown stages: see the bad rows.`, { subtle: true }));
  const notes = view.notes.slice(0, shown);
  for (const note of notes) body.push(text(escapeMarkdown(truncate(note, lineMax)), { subtle: true, size: 'Small', spacing: 'Small' }));
  if (view.notes.length > notes.length) body.push(text(`…and ${view.notes.length - notes.length} more notes.`, { subtle: true, size: 'Small' }));
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
