/**
 * Slack's Block Kit limits in one table, and a checker that walks any message, modal, Home tab or
 * options answer and lists every limit it breaks.
 *
 * Every number quotes Slack's reference (docs.slack.dev/reference/...). Lengths are measured in
 * UTF-16 code units (`String#length`), which is never less than what Slack counts, so a text that
 * passes here passes at Slack. The builders in parts.ts and modals.ts apply these limits; the
 * checker is how tests prove that every renderer's output, for the longest inputs the domain
 * accepts, stays inside them (test/bot/slack/blocks/limits.test.ts).
 */

export const SLACK_LIMITS = {
  /** blocks reference: "You can include up to 50 blocks in each message, and 100 blocks in modals or Home tabs." */
  messageBlocks: 50,
  /** Modal views: "blocks … Max of 100 blocks." (same for Home tabs, see messageBlocks). */
  viewBlocks: 100,
  /** Text object: "The minimum length is 1 and maximum length is 3000 characters." */
  textObject: 3000,
  /** Section block: "Maximum length for the text in this field is 3000 characters." */
  sectionText: 3000,
  /** Section block fields: "Maximum length for the text in each item is 2000 characters." */
  sectionField: 2000,
  /** Section block fields: "Maximum number of items is 10." */
  sectionFields: 10,
  /** Context block elements: "Maximum number of items is 10." */
  contextElements: 10,
  /**
   * Not documented per element (a context element is a text object: 3,000); kept well under it so
   * that a context line stays a line.
   */
  contextText: 2000,
  /** Header block: "Maximum length for the text in this field is 150 characters." */
  headerText: 150,
  /** Actions block: "There is a maximum of 25 elements in each action block." */
  actionsElements: 25,
  /** Any block: "block_id … Maximum length for this field is 255 characters." */
  blockId: 255,
  /** Button element: "text … Maximum length for the text in this field is 75 characters." */
  buttonText: 75,
  /** Button element: "value … Maximum length for this field is 2000 characters." */
  buttonValue: 2000,
  /** Button element: "url … Maximum length for this field is 3000 characters." */
  buttonUrl: 3000,
  /** Every interactive element: "action_id … Maximum length for this field is 255 characters." */
  actionId: 255,
  /** Option object: "text … Maximum length for the text in this field is 75 characters." */
  optionText: 75,
  /** Option object: "value … Maximum length for this field is 150 characters." */
  optionValue: 150,
  /** Option object: "description … Maximum length for the text in this field is 75 characters." */
  optionDescription: 75,
  /** Static select: "options … Maximum number of options is 100." */
  staticOptions: 100,
  /** block_suggestion: "Users may return a maximum of 100 options or option groups." */
  externalOptions: 100,
  /** Option group object: "label … Maximum length for the text in this field is 75 characters." */
  optionGroupLabel: 75,
  /** Modal views: "title … a plain_text text element with a max length of 24 characters." */
  modalTitle: 24,
  /** Modal views: "close … Max length of 24 characters." and "submit … Max length of 24 characters." */
  modalButton: 24,
  /** Modal views: "private_metadata … Max length of 3000 characters." */
  privateMetadata: 3000,
  /** Views: "callback_id … Maximum length of 255 characters." */
  callbackId: 255,
  /** Input block: "label … Maximum length for the text in this field is 2000 characters." */
  inputLabel: 2000,
  /** Input block: "hint … Maximum length for the text in this field is 2000 characters." */
  inputHint: 2000,
  /** Select menus and inputs: "placeholder … Maximum length for the text in this field is 150 characters." */
  placeholder: 150,
  /**
   * Plain-text input `max_length` ("The maximum length of input that the user can provide"): the
   * reference gives no number; Slack's builder refuses more than 3,000, the same as a text object.
   */
  plainTextInput: 3000,
  /** Confirmation dialog object: "title … Maximum length for this field is 100 characters." */
  confirmTitle: 100,
  /** Confirmation dialog object: "text … Maximum length for the text in this field is 300 characters." */
  confirmText: 300,
  /** Confirmation dialog object: "confirm … deny … Maximum length for the text in this field is 30 characters." */
  confirmButton: 30,
  /**
   * chat.postMessage `text`: Slack truncates beyond 40,000 characters. This is our own cap for the
   * notification text, far below that.
   */
  fallbackText: 3000,
  /** chat.postMessage: "messages containing more than 40,000 characters" are truncated. */
  messageText: 40_000,
} as const;

export type BlockKitSurface = 'message' | 'modal' | 'home' | 'options';

/** One broken limit: where (a JSON path), which rule, the limit and what was found. */
export interface LimitViolation {
  path: string;
  rule: string;
  limit: number;
  actual: number;
}

type Json = Record<string, unknown>;
const L = SLACK_LIMITS;

/**
 * Every Block Kit limit the payload breaks; an empty list means Slack will take it (as far as
 * lengths and counts go). `payload` is what the app sends: a message (`{ text, blocks }` or a
 * block array), a view (`{ type: 'modal' | 'home', … }`), or an options answer (`{ options }`).
 */
export function blockKitViolations(surface: BlockKitSurface, payload: unknown): LimitViolation[] {
  const out: LimitViolation[] = [];
  const check = new Checker(out);
  if (surface === 'options') {
    check.optionsAnswer(payload as Json, '$');
    return out;
  }
  const p = (Array.isArray(payload) ? { blocks: payload } : payload) as Json;
  const blocks = Array.isArray(p.blocks) ? (p.blocks as Json[]) : [];
  check.max('$.blocks', 'blocks in a ' + surface, blocks.length, surface === 'message' ? L.messageBlocks : L.viewBlocks);
  if (surface === 'message') {
    if (typeof p.text === 'string') check.max('$.text', 'message text', p.text.length, L.messageText);
  } else {
    check.str(p.callback_id, '$.callback_id', 'callback_id', L.callbackId);
    check.str(p.private_metadata, '$.private_metadata', 'private_metadata', L.privateMetadata);
    if (surface === 'modal') {
      check.text(p.title, '$.title', 'modal title', L.modalTitle, true);
      check.text(p.submit, '$.submit', 'modal submit', L.modalButton);
      check.text(p.close, '$.close', 'modal close', L.modalButton);
    }
  }
  blocks.forEach((b, i) => check.block(b, `$.blocks[${i}]`));
  return out;
}

/** The violations as readable lines, for test failure messages. */
export function describeViolations(list: LimitViolation[]): string {
  return list.map((v) => `${v.path}: ${v.rule} is ${v.actual}, Slack allows ${v.limit}`).join('\n');
}

class Checker {
  constructor(private readonly out: LimitViolation[]) {}

  max(path: string, rule: string, actual: number, limit: number): void {
    if (actual > limit) this.out.push({ path, rule, limit, actual });
  }

  min(path: string, rule: string, actual: number, limit: number): void {
    if (actual < limit) this.out.push({ path, rule: `${rule} (at least)`, limit, actual });
  }

  str(value: unknown, path: string, rule: string, limit: number): void {
    if (typeof value === 'string') this.max(path, rule, value.length, limit);
  }

  /** A text object: present when `required`, 1 to `limit` characters (and never over 3,000). */
  text(value: unknown, path: string, rule: string, limit: number = L.textObject, required = false): void {
    if (value === undefined || value === null) {
      if (required) this.out.push({ path, rule: `${rule} (missing)`, limit: 1, actual: 0 });
      return;
    }
    const t = (value as Json).text;
    const len = typeof t === 'string' ? t.length : 0;
    this.min(path, rule, len, 1);
    this.max(path, rule, len, Math.min(limit, L.textObject));
  }

  block(b: Json, path: string): void {
    this.str(b.block_id, `${path}.block_id`, 'block_id', L.blockId);
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && !Array.isArray(b.fields)) this.out.push({ path, rule: 'section without text or fields', limit: 1, actual: 0 });
        this.text(b.text, `${path}.text`, 'section text', L.sectionText);
        const fields = Array.isArray(b.fields) ? (b.fields as Json[]) : [];
        this.max(`${path}.fields`, 'section fields', fields.length, L.sectionFields);
        fields.forEach((f, i) => this.text(f, `${path}.fields[${i}]`, 'section field', L.sectionField));
        if (b.accessory) this.element(b.accessory as Json, `${path}.accessory`);
        break;
      }
      case 'header':
        this.text(b.text, `${path}.text`, 'header text', L.headerText, true);
        break;
      case 'context': {
        const elements = Array.isArray(b.elements) ? (b.elements as Json[]) : [];
        this.min(`${path}.elements`, 'context elements', elements.length, 1);
        this.max(`${path}.elements`, 'context elements', elements.length, L.contextElements);
        elements.forEach((e, i) => {
          if (e.type === 'mrkdwn' || e.type === 'plain_text') this.text(e, `${path}.elements[${i}]`, 'context text');
        });
        break;
      }
      case 'actions': {
        const elements = Array.isArray(b.elements) ? (b.elements as Json[]) : [];
        this.min(`${path}.elements`, 'actions elements', elements.length, 1);
        this.max(`${path}.elements`, 'actions elements', elements.length, L.actionsElements);
        elements.forEach((e, i) => this.element(e, `${path}.elements[${i}]`));
        break;
      }
      case 'input':
        this.text(b.label, `${path}.label`, 'input label', L.inputLabel, true);
        this.text(b.hint, `${path}.hint`, 'input hint', L.inputHint);
        if (b.element) this.element(b.element as Json, `${path}.element`);
        break;
      default:
        // divider, rich_text, image…: no length limits the app can break.
        break;
    }
  }

  element(e: Json, path: string): void {
    this.str(e.action_id, `${path}.action_id`, 'action_id', L.actionId);
    this.text(e.placeholder, `${path}.placeholder`, 'placeholder', L.placeholder);
    if (e.confirm) this.confirm(e.confirm as Json, `${path}.confirm`);
    switch (e.type) {
      case 'button':
        this.text(e.text, `${path}.text`, 'button text', L.buttonText, true);
        this.str(e.value, `${path}.value`, 'button value', L.buttonValue);
        this.str(e.url, `${path}.url`, 'button url', L.buttonUrl);
        break;
      case 'plain_text_input': {
        const max = typeof e.max_length === 'number' ? e.max_length : L.plainTextInput;
        this.max(`${path}.max_length`, 'plain_text_input max_length', max, L.plainTextInput);
        this.str(e.initial_value, `${path}.initial_value`, 'initial_value (longer than max_length)', Math.min(max, L.plainTextInput));
        break;
      }
      default:
        if (Array.isArray(e.options)) {
          const options = e.options as Json[];
          this.max(`${path}.options`, 'select options', options.length, L.staticOptions);
          options.forEach((o, i) => this.option(o, `${path}.options[${i}]`));
        }
        if (e.initial_option) this.option(e.initial_option as Json, `${path}.initial_option`);
        if (Array.isArray(e.initial_options)) {
          const initial = e.initial_options as Json[];
          this.max(`${path}.initial_options`, 'select initial options', initial.length, L.staticOptions);
          initial.forEach((o, i) => this.option(o, `${path}.initial_options[${i}]`));
        }
        break;
    }
  }

  option(o: Json, path: string): void {
    this.text(o.text, `${path}.text`, 'option text', L.optionText, true);
    this.text(o.description, `${path}.description`, 'option description', L.optionDescription);
    if (typeof o.value !== 'string') this.out.push({ path: `${path}.value`, rule: 'option value (missing)', limit: 1, actual: 0 });
    else {
      this.min(`${path}.value`, 'option value', o.value.length, 1);
      this.max(`${path}.value`, 'option value', o.value.length, L.optionValue);
    }
  }

  optionsAnswer(p: Json, path: string): void {
    const options = Array.isArray(p?.options) ? (p.options as Json[]) : undefined;
    const groups = Array.isArray(p?.option_groups) ? (p.option_groups as Json[]) : undefined;
    if (!options && !groups) this.out.push({ path, rule: 'options answer without options or option_groups', limit: 1, actual: 0 });
    if (options) {
      this.max(`${path}.options`, 'options in an external select answer', options.length, L.externalOptions);
      options.forEach((o, i) => this.option(o, `${path}.options[${i}]`));
    }
    if (groups) {
      this.max(`${path}.option_groups`, 'option groups in an external select answer', groups.length, L.externalOptions);
      groups.forEach((g, i) => {
        this.text(g.label, `${path}.option_groups[${i}].label`, 'option group label', L.optionGroupLabel, true);
        const inner = Array.isArray(g.options) ? (g.options as Json[]) : [];
        this.max(`${path}.option_groups[${i}].options`, 'options in a group', inner.length, L.staticOptions);
        inner.forEach((o, j) => this.option(o, `${path}.option_groups[${i}].options[${j}]`));
      });
    }
  }

  confirm(c: Json, path: string): void {
    this.text(c.title, `${path}.title`, 'confirm title', L.confirmTitle, true);
    this.text(c.text, `${path}.text`, 'confirm text', L.confirmText, true);
    this.text(c.confirm, `${path}.confirm`, 'confirm button', L.confirmButton, true);
    this.text(c.deny, `${path}.deny`, 'deny button', L.confirmButton, true);
  }
}
