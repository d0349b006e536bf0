/**
 * The `/deal` command reference. `COMMANDS` is the structured list (help and the README are both
 * built from it); `helpText` renders it as markdown-light plain text (backticks only).
 */
import type { IntentKind } from './intent.js';
import { DEFAULT_STAGES, USAGE, nearestWord } from './parse.js';

export interface CommandHelp {
  name: IntentKind;
  usage: string;
  summary: string;
  /** One complete command line that works as typed. */
  example: string;
  /** Extra lines shown by `/deal help <name>`. */
  details?: readonly string[];
}

export const AMOUNT_HELP: readonly string[] = [
  'Amounts: 25k, $1.2M, 2.5bn, 25,000, €25k, £3.5k, ¥500000, EUR 25000, 25,000 EUR, 25k eur, USD25k, $25 k, 1,5k, 1 000 000 EUR, 1.000.000 EUR, 25.000,00 EUR.',
  'Without a currency sign or code, the workspace currency is used. Codes are ISO codes (USD, EUR, GBP…): `500 ABC` or `1 BTC` is refused.',
  '1.500 or 1,500 is read the way your workspace writes numbers (EUR workspaces: 1.500 is one thousand five hundred; USD: one and a half), and the answer says how it was read. 1500 or 1.5k is never ambiguous.',
  'A bare number such as 2026 or 25000 is not an amount and stays in the title: write 25k, 25,000 or $25000.',
];

export const DATE_HELP: readonly string[] = [
  'Dates are read in your time zone: today, tomorrow, friday, next friday, in 2 weeks, Dec 1, 1 December 2026, 2026-12-01, end of month.',
  '`friday` is the coming Friday (today if it is Friday). `next friday` is the first Friday after today, so typed on a Tuesday it is that same week\'s Friday, and typed on a Friday it is a week later.',
  'Periods end on their last day: end of week (Friday), end of quarter, end of year, Q1 (the next Q1 to end), Q3 2027, next quarter. Also: in 10 days, in 3 months, 1.12.2026 (day.month.year).',
  'Words after `close` or `by` that look like a date but are not one (`close someday`, `by 2026-02-30`) are refused, never kept in the title. A date in the past is kept, with a warning.',
];

export const REF_HELP: readonly string[] = [
  'Deals are referred to as D-42 (d-42, d42 and #42 work too). Find a deal\'s reference with `/deal <search text>`.',
];

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'new',
    usage: USAGE.new,
    summary: 'Create a deal. Options follow the title, in any order.',
    example: '/deal new Acme renewal 25k close next friday',
    details: [
      'The title is required (up to 200 characters). Options come after it, in any order: an amount, a stage, an @owner and `close <date>`.',
      'Put the title in "quotes" if it ends with words that look like options: `/deal new "Close Co won" 10k`.',
      'Example with everything: `/deal new Globex pilot $40k qualified @maria close Dec 1`.',
      ...AMOUNT_HELP,
      ...DATE_HELP,
    ],
  },
  {
    name: 'list',
    usage: USAGE.list,
    summary: 'List your open deals, all deals, or the deals in one stage.',
    example: '/deal list proposal',
    details: [`Stages: ${DEFAULT_STAGES.join(', ')} (or your workspace's own).`],
  },
  {
    name: 'show',
    usage: USAGE.show,
    summary: 'Show a deal by reference, or search deals by title and company.',
    example: '/deal D-42',
    details: [
      'Anything that is not a command is a search: `/deal acme renewal`.',
      'To search for words that start like a command, use `/deal show <search text>`, e.g. `/deal show next generation`.',
      ...REF_HELP,
    ],
  },
  {
    name: 'stage',
    usage: USAGE.stage,
    summary: 'Move a deal to another stage.',
    example: '/deal stage D-42 negotiation',
    details: [`Stages: ${DEFAULT_STAGES.join(', ')} (or your workspace's own).`, ...REF_HELP],
  },
  {
    name: 'won',
    usage: USAGE.won,
    summary: 'Mark a deal as won.',
    example: '/deal won D-42',
    details: REF_HELP,
  },
  {
    name: 'lost',
    usage: USAGE.lost,
    summary: 'Mark a deal as lost, with the reason (required).',
    example: '/deal lost D-42 went with a competitor',
    details: REF_HELP,
  },
  {
    name: 'next',
    usage: USAGE.next,
    summary: 'Set the next step, optionally with a due date.',
    example: '/deal next D-42 send the proposal by friday',
    details: [
      'The due date is the last `by <date>` at the end; "by email" stays part of the action.',
      ...DATE_HELP,
      ...REF_HELP,
    ],
  },
  {
    name: 'log',
    usage: USAGE.log,
    summary: 'Log a call, email, meeting or note on a deal.',
    example: '/deal log D-42 call spoke with Maria about pricing',
    details: REF_HELP,
  },
  {
    name: 'assign',
    usage: USAGE.assign,
    summary: 'Give a deal to someone else.',
    example: '/deal assign D-42 @maria',
    details: REF_HELP,
  },
  {
    name: 'report',
    usage: USAGE.report,
    summary: 'A summary of the pipeline.',
    example: '/deal report',
  },
  {
    name: 'draft',
    usage: USAGE.draft,
    summary: 'Draft a follow-up email for a deal, shown only to you. The bot never sends it.',
    example: '/deal draft D-42',
    details: [
      'Written from the deal\'s contacts, stage, next action and recent activities, citing the activities it used.',
      'Add `again` for a fresh draft instead of the saved one: `/deal draft D-42 again`.',
      'Without an AI model configured (or when it does not answer) you get a template labelled "Offline draft (no AI)".',
      'Sent it? Log it with `/deal log D-42 email <what you sent>` (in Slack: the "Log as email activity" button).',
      ...REF_HELP,
    ],
  },
  {
    name: 'summary',
    usage: USAGE.summary,
    summary: 'Summarise a deal\'s or a contact\'s activity: a few lines, open questions, a suggested next action.',
    example: '/deal summary D-42',
    details: [
      'Also `/deal summarize D-42` or `/deal summarise D-42`; add `again` for a fresh summary.',
      'A contact: `/deal summary contact Ana Lopez` (a name or an email).',
      'Accept the suggested next action with one click in Slack, or with `/deal next <ref> <action>`.',
      'Without an AI model configured (or when it does not answer) you get an extract of the activities, labelled as such.',
      ...REF_HELP,
    ],
  },
  {
    name: 'digest',
    usage: USAGE.digest,
    summary: 'A daily pipeline digest in this channel: stale deals, next actions due, what moved, won or lost, and the pipeline.',
    example: '/deal digest here at 9:00 weekdays',
    details: [
      '`/deal digest here [at <time>] [weekdays|daily] [all-clear|silent] [<time zone>]` subscribes the channel you type it in (defaults: 9:00, weekdays, your time zone, an all-clear line on days with nothing to report). Typed again, it changes only what you give.',
      '`/deal digest off` stops it; `/deal digest` shows the settings; `/deal digest preview` shows today\'s digest to you alone.',
      'Workspace settings: `/deal digest stale 21` (days without activity that make a deal stale, 14 by default), `/deal digest threshold 50k` (stale deals of that amount or more come first; `off` to stop).',
      'Each stale deal has buttons: Snooze 7 days, Log activity, Set next action, Mark lost. The bot must be in the channel to post (`/invite @deals`).',
    ],
  },
  {
    name: 'nudges',
    usage: USAGE.nudges,
    summary: 'Your morning DM: your open deals with no next action and your next actions due. Weekdays, in your time zone.',
    example: '/deal nudges at 8:30',
    details: [
      'On by default at 9:00 in your time zone, Monday to Friday, with quiet hours 19:00–08:00; days with nothing to do send nothing.',
      '`/deal nudges off` (or `on`), `/deal nudges at 8:30`, `/deal nudges quiet 20:00-07:30` (or `quiet off`). `/deal nudges` shows your settings.',
      'A nudge time inside your quiet hours waits until they end.',
    ],
  },
  {
    name: 'settings',
    usage: USAGE.settings,
    summary: 'Who may use the CRM, where the bot may post, and how amounts read: guests, channels shared with other organisations, the decimal mark.',
    example: '/deal settings guests on',
    details: [
      '`/deal settings` shows the workspace settings to anyone; changing one is for workspace admins and owners.',
      '`guests on|off` (off by default): whether guest accounts (Slack single- and multi-channel guests, Teams guests) may use the CRM. People from other organisations (Slack Connect, other Teams tenants) never can.',
      '`shared-channels on|off` (off by default): whether the bot may post deal cards and digests that everyone can read in channels shared with other organisations. Answers only you see are not affected.',
      '`decimal comma|point|auto`: how an amount like `1.500` reads: `comma` for 1.234,56 (so 1.500 is fifteen hundred), `point` for 1,234.56; `auto` (the default) follows the workspace currency (EUR: comma, USD: point). The answer says how an ambiguous amount was read.',
    ],
  },
  {
    name: 'help',
    usage: USAGE.help,
    summary: 'This reference, or the details of one command.',
    example: '/deal help new',
    details: ['Also: `/deal help amounts`, `/deal help dates`.'],
  },
];

const ALIASES: Readonly<Record<string, IntentKind>> = {
  search: 'show',
  find: 'show',
  '?': 'help',
  summarize: 'summary',
  summarise: 'summary',
  nudge: 'nudges',
  digests: 'digest',
  setting: 'settings',
};

function line(c: CommandHelp): string {
  return `\`${c.usage}\` — ${c.summary}\n    e.g. \`${c.example}\``;
}

function reference(): string {
  return [
    'Deal commands:',
    ...COMMANDS.map(line),
    '',
    ...AMOUNT_HELP,
    ...DATE_HELP,
    ...REF_HELP,
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
  if (['amount', 'amounts', 'money', 'currency', 'currencies'].includes(key)) {
    return AMOUNT_HELP.join('\n');
  }
  if (['date', 'dates', 'time', 'when'].includes(key)) return DATE_HELP.join('\n');
  if (['ref', 'refs', 'reference', 'references'].includes(key)) return REF_HELP.join('\n');
  const name = ALIASES[key] ?? key;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const shown = key.length > 40 ? `${key.slice(0, 39)}…` : key;
    const near = nearestWord(key, [...COMMANDS.map((c) => c.name), ...Object.keys(ALIASES).filter((a) => a !== '?')]);
    const nearName = near === undefined ? undefined : (ALIASES[near] ?? near);
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
