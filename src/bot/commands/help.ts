/**
 * The `/deal` command reference, built from the command table (`table.ts`): `commandHelp()` is
 * the structured list (help and the README test read it); `helpText` renders it as markdown-light
 * plain text (backticks only). Read lazily: the table's help command renders this text.
 */
import type { CommandGroup, CommandSpec } from './command.js';
import { AMOUNT_HELP, DATE_HELP, REF_HELP, TASK_REF_HELP } from './help-topics.js';
import { nearestWord } from './grammar/words.js';
import { COMMANDS_BY_KIND, type IntentKind } from './table.js';

export { AMOUNT_HELP, DATE_HELP, REF_HELP } from './help-topics.js';

export interface CommandHelp {
  name: IntentKind;
  group: CommandGroup;
  usage: string;
  summary: string;
  /** One complete command line that works as typed. */
  example: string;
  /** Extra lines shown by `/deal help <name>`. */
  details?: readonly string[];
  /** Every word `/deal help <word>` finds it by (its name first). */
  words: readonly string[];
}

let cached: readonly CommandHelp[] | undefined;

/** Every command's help, in the table's order. */
export function commandHelp(): readonly CommandHelp[] {
  cached ??= [...COMMANDS_BY_KIND.values()].map((c: CommandSpec) => ({
    name: c.kind as IntentKind,
    group: c.group,
    usage: c.usage,
    summary: c.summary,
    example: c.example,
    ...(c.details && { details: c.details }),
    words: [c.kind, ...c.words, ...(c.helpWords ?? [])].filter((w, i, all) => w !== '?' && all.indexOf(w) === i),
  }));
  return cached;
}

const GROUPS: readonly CommandGroup[] = ['Deals', 'Contacts and companies', 'Tasks', 'Assistant', 'Digests and settings', 'Help'];

function line(c: CommandHelp): string {
  return `\`${c.usage}\` — ${c.summary}\n    e.g. \`${c.example}\``;
}

function reference(): string {
  const all = commandHelp();
  return [
    ...GROUPS.flatMap((g) => {
      const inGroup = all.filter((c) => c.group === g);
      return inGroup.length === 0 ? [] : [`*${g}*`, ...inGroup.map(line), ''];
    }),
    ...AMOUNT_HELP,
    ...DATE_HELP,
    ...REF_HELP,
    ...TASK_REF_HELP,
    '',
    'More about one command: `/deal help <command>`.',
  ].join('\n');
}

/**
 * The command reference, or the details of one command (`new`, `list`, …) or subject
 * (`amounts`, `dates`). An unknown topic says so and shows the whole reference.
 */
export function helpText(topic?: string): string {
  const key = (topic ?? '')
    .trim()
    .toLowerCase()
    .replace(/^\/?deal\s+/, '')
    .replace(/^\//, '')
    .trim();
  if (key === '') return reference();
  if (['amount', 'amounts', 'money', 'currency', 'currencies'].includes(key)) return AMOUNT_HELP.join('\n');
  if (['date', 'dates', 'time', 'when'].includes(key)) return DATE_HELP.join('\n');
  if (['ref', 'refs', 'reference', 'references'].includes(key)) return [...REF_HELP, ...TASK_REF_HELP].join('\n');
  const all = commandHelp();
  const command = all.find((c) => c.words.includes(key));
  if (!command) {
    const shown = key.length > 40 ? `${key.slice(0, 39)}…` : key;
    const near = nearestWord(key, all.flatMap((c) => c.words));
    const nearName = near === undefined ? undefined : all.find((c) => c.words.includes(near))?.name;
    const suggestion = nearName === undefined ? '' : ` Did you mean \`/deal help ${nearName}\`?`;
    return `I don't know a command called "${shown}".${suggestion}\n\n${reference()}`;
  }
  return [
    `\`${command.usage}\``,
    command.summary,
    `e.g. \`${command.example}\``,
    ...(command.details && command.details.length > 0 ? ['', ...command.details] : []),
  ].join('\n');
}
