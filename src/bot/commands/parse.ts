/**
 * The `/deal` grammar's entry: `parseCommand` turns the text after `/deal` (a leading `/deal` or
 * `deal` is tolerated, so the console can pass the whole line) into an {@link Intent}, or into a
 * friendly error with the nearest correct usage. It never throws.
 *
 * The commands themselves live in `families/`, registered in `table.ts`: the first word picks the
 * command (its name or an alias); a command that starts otherwise (`/deal D-42 add Jane`) claims its
 * words; anything else is a deal search (the fallback command), unless the first word is one or two
 * typos from a command word and the rest fits that command: then "Did you mean …?".
 *
 * - Keywords are case-insensitive; extra whitespace is fine. Slack's `&amp;`, `&lt;`, `&gt;` are
 *   unescaped first (mentions such as `<@U123ABC|maria>` are kept intact).
 * - `<ref>` is a deal reference: `D-42`, `d-42`, `D42` or `#42`, normalised to `D-42`.
 * - Words in "double quotes" are one word and never an option.
 */
import type { CommandSpec } from './command.js';
import type { ParseContext, ParseResult } from './intent.js';
import { fail, LIMITS, makeState, type ParseState } from './grammar/state.js';
import { clip, rawText, word } from './grammar/tokens.js';
import { editDistance, typoBudget } from './grammar/words.js';
import { COMMAND_TABLE, COMMAND_WORDS, COMMANDS_BY_KIND, USAGE, type IntentKind } from './table.js';

export { USAGE } from './table.js';
export { DEFAULT_STAGES, LIMITS, parseDealRef } from './grammar/state.js';
export { editDistance, nearestWord, typoBudget } from './grammar/words.js';
export { parseTimeOfDay } from './families/digest.js';

/** The name of every command that starts with a word of its own, in the table's order. */
export const KEYWORDS = COMMAND_TABLE.filter((c) => c.words.length > 0).map((c) => c.kind) as readonly Exclude<IntentKind, 'link'>[];

const GENERAL_USAGE = USAGE.help;
const SPECS: readonly CommandSpec[] = [...COMMANDS_BY_KIND.values()];
const WORDS: ReadonlySet<string> = new Set(COMMAND_WORDS.keys());
const FALLBACK = SPECS.find((c) => c.fallback);

/**
 * Parse the text of a `/deal` command. Never throws: any input gives either an intent or an
 * error with a friendly message and the nearest correct usage.
 */
export function parseCommand(text: string, ctx: ParseContext): ParseResult {
  try {
    return parse(typeof text === 'string' ? text : '', ctx);
  } catch {
    return fail("Sorry, I couldn't read that command.", GENERAL_USAGE);
  }
}

function parse(text: string, ctx: ParseContext): ParseResult {
  if (text.length > LIMITS.input) {
    return fail(`That's too long for a command: keep it under ${LIMITS.input} characters.`, GENERAL_USAGE);
  }
  const state = makeState(text, ctx, WORDS);
  const { tokens, s } = state;
  if (tokens.length === 0) return { ok: true, intent: { kind: 'help' } };

  const first = word(tokens[0]);
  const spec = (first !== undefined ? COMMAND_WORDS.get(first) : undefined) ?? SPECS.find((c) => c.claims?.(state));
  if (spec) return spec.parse(state) as ParseResult;

  const nearMiss = findNearMiss(state);
  if (nearMiss) {
    const name = nearMiss.words[0] ?? nearMiss.kind;
    if (tokens.length === 1) {
      const query = clip(tokens[0]?.text ?? '', 40);
      return fail(`Did you mean \`/deal ${name}\`? To search for "${query}", use \`/deal show ${query}\`.`, nearMiss.usage);
    }
    const rest = clip(rawText(s, tokens, 1, tokens.length).replace(/\s+/g, ' '), 60);
    const typed = clip(rawText(s, tokens, 0, tokens.length).replace(/\s+/g, ' '), 60);
    return fail(`Did you mean \`/deal ${name} ${rest}\`? To search for "${typed}", use \`/deal show ${typed}\`.`, nearMiss.usage);
  }
  if (!FALLBACK) return fail("I don't know that command.", GENERAL_USAGE);
  return FALLBACK.parse(state) as ParseResult;
}

/**
 * The command the first word is probably a typo of, but only when the rest of the text fits that
 * command (so `/deal State Farm` and `/deal few deals` are still searches, while
 * `/deal stgae D-4 won`, `/deal wn D-4` and `/deal nwe Acme 25k` are typos). Closest word first;
 * on a tie, the command the rest fits precisely.
 */
function findNearMiss(state: ParseState): CommandSpec | undefined {
  const first = word(state.tokens[0]);
  if (first === undefined || first.length < 2 || first.length > 12) return undefined;
  let best: { spec: CommandSpec; distance: number; fit: number } | undefined;
  for (const [commandWord, spec] of COMMAND_WORDS) {
    if (!spec.fits || commandWord.length < 2) continue;
    const budget = typoBudget(commandWord);
    if (Math.abs(commandWord.length - first.length) > budget) continue;
    const distance = editDistance(first, commandWord);
    if (distance === 0 || distance > budget) continue;
    const fit = spec.fits(state, first);
    if (fit === 0) continue;
    if (!best || distance < best.distance || (distance === best.distance && fit > best.fit)) best = { spec, distance, fit };
  }
  return best?.spec;
}
