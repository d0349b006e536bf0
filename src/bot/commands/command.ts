/**
 * One command of the `/deal` grammar: its words, usage and help, its parser and what it runs,
 * together. Each command family (deals, contacts, tasks, …) is a module of these under
 * `families/`, registered in the one table in `table.ts`; the entry parser, help, the README table
 * and the typo suggestions all read that table. Adding a command is one module plus its tests.
 */
import type { CommandContext, Reply } from './reply.js';
import type { ParseOutcome, ParseState } from './grammar/state.js';

/** Where a command is listed in help. */
export type CommandGroup = 'Deals' | 'Contacts and companies' | 'Tasks' | 'Assistant' | 'Digests and settings' | 'Help';

export interface CommandSpec<I extends { kind: string } = { kind: string }> {
  /** The intent this command parses to (also its name in `help <name>`). */
  kind: I['kind'];
  /** The words that start it: its name first, then aliases. Empty for commands found by `claims`. */
  words: readonly string[];
  /** More words that `/deal help <word>` finds it by (`search`, `find` for `show`). */
  helpWords?: readonly string[];
  group: CommandGroup;
  /** The usage line(s) shown in errors, help and the README; several forms are joined with ` | `. */
  usage: string;
  summary: string;
  /** One complete command line that works as typed. */
  example: string;
  /** Extra lines shown by `/deal help <name>`. */
  details?: readonly string[];
  /** Reads the words (tokens[0] is the command word, or the first word for `claims`/`fallback`). */
  parse(state: ParseState): ParseOutcome<I>;
  /**
   * A command that starts with something other than a word of its own (`/deal D-42 add Jane`): true
   * when the words are this command's.
   */
  claims?(state: ParseState): boolean;
  /** The command for any text no other command takes (a deal search). Exactly one has it. */
  fallback?: true;
  /**
   * When the first word is one or two typos from one of `words`: how well the rest fits this
   * command (0: not at all, so the text is a search; 1: fits; 2: fits precisely, wins a tie).
   * Absent: never suggested.
   */
  fits?(state: ParseState, typed: string): 0 | 1 | 2;
  /** Runs the intent for a person; throws DomainErrors, which become error replies. */
  run(ctx: CommandContext, intent: I, prefix: string): Promise<Reply>;
}

/** Declares a command with its intent type checked against its parser and its runner. */
export function defineCommand<I extends { kind: string }>(spec: CommandSpec<I>): CommandSpec<I> {
  return spec;
}

/** The idempotency key of this delivery: a retried delivery with the same id creates nothing new. */
export function deliveryKey(ctx: CommandContext): string | undefined {
  return ctx.deliveryId ? `${ctx.surface}:${ctx.deliveryId}` : undefined;
}

/** `/deal` in Slack and the console, `deal` in Teams: the grammar's words use `/deal`. */
export function withPrefix(text: string, prefix: string): string {
  return prefix === '/deal' ? text : text.replaceAll('/deal', prefix);
}
