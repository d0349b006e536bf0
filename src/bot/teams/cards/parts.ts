/**
 * Small Adaptive Card builders (schema 1.5): every card the bot sends is made of these, so the
 * version, the `Action.Execute` + `Action.Submit` fallback pairing and the input shapes live in one
 * place. Text passed in must already be escaped (see text.ts).
 */
import { CONTENT_TYPES } from '../ids.js';

export const CARD_VERSION = '1.5';
const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

export interface CardElement {
  type: string;
  [key: string]: unknown;
}

export interface CardAction {
  type: 'Action.Execute' | 'Action.Submit' | 'Action.ShowCard' | 'Action.OpenUrl';
  title: string;
  [key: string]: unknown;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: typeof CARD_VERSION;
  body: CardElement[];
  actions?: CardAction[];
  fallbackText?: string;
  msteams?: { width: 'Full' };
}

/** A card as an activity attachment. */
export interface CardAttachment {
  contentType: typeof CONTENT_TYPES.adaptiveCard;
  content: AdaptiveCard;
}

/** What a button sends back: the verb, and whatever it needs (always small, never trusted). */
export type ActionData = Record<string, unknown>;

export function card(body: CardElement[], actions: CardAction[] = [], fallbackText?: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: CARD_VERSION,
    body,
    ...(actions.length && { actions }),
    ...(fallbackText && { fallbackText }),
    msteams: { width: 'Full' },
  };
}

export const attachment = (content: AdaptiveCard): CardAttachment => ({ contentType: CONTENT_TYPES.adaptiveCard, content });

export interface TextOptions {
  weight?: 'Bolder';
  size?: 'Small' | 'Medium' | 'Large';
  color?: 'Good' | 'Warning' | 'Attention' | 'Accent';
  subtle?: boolean;
  spacing?: 'None' | 'Small' | 'Medium';
  separator?: boolean;
}

/** A wrapping TextBlock; `text` must already be escaped Markdown. */
export function text(value: string, opts: TextOptions = {}): CardElement {
  const { subtle, ...rest } = opts;
  return { type: 'TextBlock', text: value, wrap: true, ...rest, ...(subtle && { isSubtle: true }) };
}

/** A FactSet of `[label, value]`; values must already be escaped. */
export function facts(list: [title: string, value: string][]): CardElement {
  return { type: 'FactSet', facts: list.map(([title, value]) => ({ title, value })) };
}

export function container(items: CardElement[], opts: { separator?: boolean; spacing?: 'Medium' | 'Small' } = {}): CardElement {
  return { type: 'Container', items, ...opts };
}

/** A row's text beside a button (list rows: title and facts, then "Open"). */
export function row(items: CardElement[], action: CardAction | CardAction[]): CardElement {
  return {
    type: 'ColumnSet',
    separator: true,
    columns: [
      { type: 'Column', width: 'stretch', items },
      { type: 'Column', width: 'auto', verticalContentAlignment: 'Center', items: [{ type: 'ActionSet', actions: Array.isArray(action) ? action : [action] }] },
    ],
  };
}

export interface ButtonOptions {
  style?: 'positive' | 'destructive';
  /** `secondary` actions go to the card's overflow menu. */
  mode?: 'secondary';
}

/**
 * A Universal Action (`Action.Execute`): Teams invokes the bot with `adaptiveCard/action` and shows
 * the card the bot answers with in place. Clients without universal actions fall back to
 * `Action.Submit`, which sends the same `data` (verb included) as a message.
 */
export function execute(title: string, verb: string, data: ActionData = {}, opts: ButtonOptions = {}): CardAction {
  const payload = { verb, ...data };
  return {
    type: 'Action.Execute',
    title,
    verb,
    data: payload,
    ...opts,
    fallback: { type: 'Action.Submit', title, data: payload, ...opts },
  };
}

/** A button that unfolds a small form (or a confirmation) inside the card. */
export function showCard(title: string, body: CardElement[], actions: CardAction[], opts: ButtonOptions = {}): CardAction {
  return { type: 'Action.ShowCard', title, card: { type: 'AdaptiveCard', body, actions }, ...opts };
}

/** A button that opens a dialog (task module): Teams invokes `task/fetch` with `data`. */
export function openDialog(title: string, data: ActionData, opts: ButtonOptions = {}): CardAction {
  return { type: 'Action.Submit', title, data: { msteams: { type: 'task/fetch' }, ...data }, ...opts };
}

/** A dialog's submit button: Teams invokes `task/submit` with the inputs and `data`. */
export function submit(title: string, data: ActionData, opts: ButtonOptions = {}): CardAction {
  return { type: 'Action.Submit', title, data, ...opts };
}

interface InputOptions {
  label: string;
  value?: string;
  placeholder?: string;
  required?: boolean;
  errorMessage?: string;
}

export function inputText(id: string, opts: InputOptions & { multiline?: boolean; maxLength?: number }): CardElement {
  return {
    type: 'Input.Text',
    id,
    label: opts.label,
    ...(opts.value !== undefined && { value: opts.value }),
    ...(opts.placeholder && { placeholder: opts.placeholder }),
    ...(opts.multiline && { isMultiline: true }),
    ...(opts.maxLength && { maxLength: opts.maxLength }),
    ...(opts.required && { isRequired: true, errorMessage: opts.errorMessage ?? `${opts.label} is required.` }),
  };
}

export function inputDate(id: string, opts: InputOptions): CardElement {
  return {
    type: 'Input.Date',
    id,
    label: opts.label,
    ...(opts.value && { value: opts.value }),
    ...(opts.required && { isRequired: true, errorMessage: opts.errorMessage ?? `${opts.label} is required.` }),
  };
}

export function choices(id: string, opts: InputOptions & { choices: { title: string; value: string }[] }): CardElement {
  return {
    type: 'Input.ChoiceSet',
    id,
    label: opts.label,
    style: 'compact',
    choices: opts.choices,
    ...(opts.value !== undefined && { value: opts.value }),
    ...(opts.placeholder && { placeholder: opts.placeholder }),
    ...(opts.required && { isRequired: true, errorMessage: opts.errorMessage ?? `Pick a ${opts.label.toLowerCase()}.` }),
  };
}
