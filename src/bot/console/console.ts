/**
 * The terminal surface: the same `/deal` grammar and view models as Slack and Teams, rendered as
 * text. Interactive on a terminal; on a pipe it reads one command per line and exits at the end,
 * so it can be scripted:  printf '/deal new Acme 25k\n/deal list\n' | npm start --silent
 *
 * Besides `/deal …` (the prefix is optional) it reads its own commands (CONSOLE_COMMANDS). A line
 * that starts with `/` and is neither is refused with the list of console commands, never run as a
 * deal search. Lists page: `more` shows the next page of the last list, and `page <n>` at the end
 * of a list or search shows that page (`/deal list all page 2`).
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Member } from '../../generated/sqlite/client.js';
import type { Crm } from '../../domain/index.js';
import type { DealListView } from '../../domain/deals/deal.view.js';
import type { Logger } from '../../log.js';
import { executeCommand, parseContext, type Reply } from '../commands/execute.js';
import { DEAL_REF_PATTERN } from '../commands/intent.js';
import { KEYWORDS, nearestWord, parseCommand } from '../commands/parse.js';
import { errorReply } from '../messages.js';
import { consoleMember } from './identity.js';
import { MORE_COMMAND, pageCommand, renderReply } from './render.js';

export interface ConsoleOptions {
  crm: Crm;
  log: Logger;
  member: Member;
  input: Readable;
  output: Writable;
  interactive: boolean;
  color: boolean;
  /** Aborted on SIGINT/SIGTERM: the console stops reading (after the command in progress) and returns. */
  signal?: AbortSignal;
}

/** What a console session did: on a pipe, any failed command makes the exit status non-zero. */
export interface ConsoleResult {
  /** Commands run (comments and blank lines are not commands). */
  commands: number;
  /** The input line numbers (from 1) of the commands whose answer was an error. */
  failedLines: number[];
}

/** The console's own commands, as shown in `/console` and in the answer to a mistyped one. */
export const CONSOLE_COMMANDS: readonly { usage: string; summary: string }[] = [
  { usage: '/deal <command>', summary: 'any deal command (/deal help lists them; the /deal is optional)' },
  { usage: '/as @handle', summary: 'act as another person (they join the workspace on first use)' },
  { usage: '/whoami', summary: 'who you are acting as' },
  { usage: `${MORE_COMMAND}`, summary: 'the next page of the last list (or add `page <n>` to a list: /deal list all page 2)' },
  { usage: '/console', summary: 'this list' },
  { usage: '/quit', summary: 'leave (Ctrl-D or Ctrl-C work too)' },
];

const CONSOLE_HELP = [
  'Console commands:',
  ...CONSOLE_COMMANDS.map((c) => `  ${c.usage.padEnd(16)} ${c.summary}`),
  'Lines starting with # are ignored, so scripts can carry comments.',
].join('\n');

/** The console commands in one line, the hint under a mistyped one. */
const CONSOLE_COMMAND_LIST = `Console commands: ${CONSOLE_COMMANDS.map((c) => c.usage).join(', ')}. Lines starting with # are comments.`;

/** The words after `/` the console knows (besides `/deal`). */
const CONSOLE_WORDS = ['as', 'whoami', 'console', 'quit', 'exit', MORE_COMMAND] as const;
/** A console handle, as `/as` reads it. */
const HANDLE = /^@?([a-z0-9._-]{1,40})$/i;
/** `… page <n>` at the end of a list or search. */
const PAGE_SUFFIX = /^(.*\S)\s+page\s+(\d{1,6})$/i;
/** The pages the domain serves (deal.schema.ts, pageSchema). */
const MAX_PAGE = 10_000;

export async function runConsole(opts: ConsoleOptions): Promise<ConsoleResult> {
  const { crm, output } = opts;
  let member = opts.member;
  const result: ConsoleResult = { commands: 0, failedLines: [] };
  const write = (text: string) => output.write(`${text}\n`);
  const rl = readline.createInterface({
    input: opts.input,
    output: opts.interactive ? output : undefined,
    terminal: opts.interactive,
    prompt: 'deal> ',
    historySize: 200,
  });
  // Stop reading on a signal; Ctrl-C at the prompt (a terminal in raw mode sends no SIGINT) leaves too.
  let stopped = false;
  const stop = () => {
    stopped = true;
    rl.close();
  };
  if (opts.signal?.aborted) {
    rl.close();
    return result;
  }
  opts.signal?.addEventListener('abort', stop, { once: true });
  rl.on('SIGINT', () => {
    if (opts.interactive) write('');
    stop();
  });
  let deliveries = 0;
  /** The last list shown, for `more`. */
  let lastList: DealListView | undefined;

  const runDeal = async (text: string): Promise<Reply> => {
    const actor = await crm.identity.actorFor(member);
    deliveries += 1;
    const ctx = { crm, actor, surface: 'console' as const, log: opts.log, deliveryId: `${process.pid}:${Date.now()}:${deliveries}` };
    const paged = PAGE_SUFFIX.exec(text);
    if (paged?.[1] && paged[2]) {
      const parsed = parseCommand(paged[1], await parseContext(ctx));
      const page = Number(paged[2]);
      if (parsed.ok && (parsed.intent.kind === 'list' || (parsed.intent.kind === 'show' && !DEAL_REF_PATTERN.test(parsed.intent.query)))) {
        if (page < 1 || page > MAX_PAGE) {
          return { kind: 'error', message: `There is no page ${page}: pages run from 1 to ${MAX_PAGE.toLocaleString('en-US')}.`, hint: '/deal list all page 2' };
        }
        const intent = parsed.intent;
        return showPage(intent.kind === 'list' ? { scope: { ...intent.scope, ...(intent.filters && { filters: intent.filters }) } } : { query: intent.query }, page);
      }
    }
    return executeCommand(ctx, text);
  };

  const showPage = async (source: DealListView['source'], page: number): Promise<Reply> => {
    const actor = await crm.identity.actorFor(member);
    try {
      const list = 'query' in source ? await crm.deals.find(actor, source.query, { page }) : await crm.deals.list(actor, source.scope, { page });
      if (list.items.length === 0 && page > 1) {
        const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
        return {
          kind: 'error',
          message: `There is no page ${page} of ${list.heading.toLowerCase()}: ${list.total} deal${list.total === 1 ? '' : 's'} on ${pages} page${pages === 1 ? '' : 's'}.`,
          hint: pageCommand(source, pages),
        };
      }
      return { kind: 'list', list };
    } catch (err) {
      return errorReply(err, opts.log);
    }
  };

  /** One line of input: the reply to print, or undefined to leave. */
  const answer = async (line: string): Promise<Reply | string | undefined> => {
    const slash = /^\/(\S*)\s*(.*)$/.exec(line);
    const word = ((slash ? slash[1] : line.split(/\s+/)[0]) ?? '').toLowerCase();
    const rest = slash ? (slash[2] ?? '').trim() : line.slice(word.length).trim();
    if ((word === 'quit' || word === 'exit') && rest === '') return undefined;
    if (word === 'whoami' && rest === '') return `${member.displayName} (@${member.handle}), time zone ${member.timezone}.`;
    if ((word === 'console' || word === '?') && rest === '') return CONSOLE_HELP;
    if (word === MORE_COMMAND && rest === '') {
      if (!lastList) return consoleError(`There is no list to continue: \`${MORE_COMMAND}\` shows the next page of the last list.`, '/deal list all');
      if (!lastList.hasMore) return consoleError(`That was the last page of ${lastList.heading.toLowerCase()}.`, pageCommand(lastList.source, 1));
      return showPage(lastList.source, lastList.page + 1);
    }
    if (slash && word === 'as') {
      const handle = HANDLE.exec(rest)?.[1];
      if (!handle) {
        return consoleError(rest === '' ? '`/as` needs a handle.' : `"${clip(rest, 40)}" is not a handle: letters, digits, dot, dash or underscore, up to 40.`, '/as @maria');
      }
      member = await consoleMember(crm, member, handle.toLowerCase());
      return `You are now ${member.displayName} (@${member.handle}).`;
    }
    if (slash && word !== 'deal') return unknownConsoleCommand(word, rest);
    return runDeal(line.replace(/^\/?deal\b/i, '').trim());
  };

  if (opts.interactive) rl.prompt();
  let lineNumber = 0;
  for await (const raw of rl) {
    lineNumber += 1;
    // Lines already read when the stop came are dropped: a stop ends after the command in progress.
    if (stopped) break;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      if (opts.interactive) rl.prompt();
      continue;
    }
    const reply = await answer(line);
    if (reply === undefined) break;
    result.commands += 1;
    if (typeof reply === 'string') {
      write(reply);
    } else {
      if (reply.kind === 'error') result.failedLines.push(lineNumber);
      if (reply.kind === 'list') lastList = reply.list;
      write(renderReply(reply, { now: crm.clock.now(), timeZone: member.timezone, color: opts.color }));
    }
    if (opts.interactive) {
      write('');
      rl.prompt();
    }
  }
  opts.signal?.removeEventListener('abort', stop);
  rl.close();
  return result;
}

function consoleError(message: string, hint: string): Reply {
  return { kind: 'error', message, hint };
}

/**
 * `/foo`: not a console command. Names the nearest one when there is one (`/whoam` → `/whoami`),
 * or the deal command it looks like (`/list` → `/deal list`), and lists the console commands.
 */
function unknownConsoleCommand(word: string, rest: string): Reply {
  const typed = `/${clip(word, 30)}`;
  const asDeal = (KEYWORDS as readonly string[]).includes(word) ? word : undefined;
  const near = asDeal ? undefined : nearestWord(word, [...CONSOLE_WORDS, 'deal']);
  const suggestion = asDeal
    ? ` Did you mean \`/deal ${clip(`${asDeal} ${rest}`.trim(), 60)}\`?`
    : near === 'deal'
      ? ` Did you mean \`/deal ${clip(rest, 60)}\`?`
      : near
        ? ` Did you mean \`${near === MORE_COMMAND ? MORE_COMMAND : `/${near}`}\`?`
        : '';
  return consoleError(`\`${typed}\` is not a console command.${suggestion}`, CONSOLE_COMMAND_LIST);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
