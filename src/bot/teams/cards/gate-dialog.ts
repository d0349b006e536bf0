/**
 * The stage gate's dialog: a deal refused by a stage's gate (a card's Advance or Won, `deal stage
 * D-42 proposal`) gets a "Give what's missing" button; it opens this, asking for exactly what the
 * deal lacks; submitting gives it and moves the deal in one transaction (handlers/gate-dialog.ts).
 */
import type { GateItem } from '../../../domain/pipeline/gates.js';
import { DIALOGS } from '../ids.js';
import type { DialogInfo } from './forms.js';
import { card, choices, inputDate, inputText, submit, text, type CardElement } from './parts.js';
import { escapeMarkdown, truncate } from './text.js';

/** The input id of a requirement in the dialog: `gate:amount`, `gate:field:source`. */
export const gateInputId = (key: string) => `gate:${key}`;

const PLACEHOLDERS: Readonly<Record<string, string>> = {
  money: '25k, $1.2M or 25,000 EUR',
  contact: 'A contact’s name or email',
  company: 'The company’s name',
  person: '@name',
  number: 'A number',
};

function input(item: GateItem, value: string | undefined): CardElement {
  const id = gateInputId(item.key);
  const base = { label: item.label, required: true, ...(value !== undefined && { value }) };
  if (item.input === 'date') return inputDate(id, base);
  if (item.input === 'choice' && item.choices?.length) return choices(id, { ...base, choices: item.choices.map((c) => ({ title: c, value: c })) });
  return inputText(id, { ...base, maxLength: 500, ...(PLACEHOLDERS[item.input] && { placeholder: PLACEHOLDERS[item.input] }) });
}

export function gateDialog(opts: {
  deal: string;
  dealId: string;
  stage: { id: string; name: string };
  missing: GateItem[];
  error?: string;
  values?: Record<string, string>;
}): DialogInfo {
  const body: CardElement[] = [
    text(`**${escapeMarkdown(opts.deal)}** needs these before it enters **${escapeMarkdown(truncate(opts.stage.name, 100))}**.`),
    ...(opts.error ? [text(`⚠️ ${escapeMarkdown(opts.error)}`, { color: 'Attention' })] : []),
    ...opts.missing.map((m) => input(m, opts.values?.[gateInputId(m.key)])),
  ];
  return {
    title: truncate(`Move ${opts.deal} to ${opts.stage.name}`, 60),
    width: 'medium',
    card: card(body, [submit(`Move to ${truncate(opts.stage.name, 40)}`, { dialog: DIALOGS.stageGate, dealId: opts.dealId, stageId: opts.stage.id })]),
  };
}
