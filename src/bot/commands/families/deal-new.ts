/** `/deal new`: create a deal, its options peeled off the end of the title. */
import { matchAmountBefore, readAmount } from '../amount.js';
import { defineCommand, deliveryKey } from '../command.js';
import { looksLikeDateAttempt, parseDateOnly, pastDateNote } from '../dates.js';
import { AMOUNT_HELP, DATE_HELP } from '../help-topics.js';
import type { DateOnly, Money, PersonRef } from '../intent.js';
import { looksLikeMention, parseMention } from '../mentions.js';
import { amountOptions, defaultCurrencyOf, fail, LIMITS, matchStage, notADate, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, joinedText, rawText, word } from '../grammar/tokens.js';
import { mechanicalTypo } from '../grammar/words.js';
import { nextActionHint } from './deal-replies.js';

export interface NewDealIntent {
  kind: 'new';
  title: string;
  amount?: Money;
  /** A stage key or name as typed; the domain checks it against the pipeline. */
  stage?: string;
  owner?: PersonRef;
  closeDate?: DateOnly;
  /** `in <pipeline>`: a pipeline key or name as typed; the default pipeline when absent. */
  pipeline?: string;
}

const USAGE = '/deal new <title> [amount] [stage] [@owner] [close <date>] [in <pipeline>]';

/**
 * The options come after the title, in any order, peeled off the END of the text: an owner
 * mention, an amount (money needs a currency symbol/code, a k/m/b/bn suffix or thousands
 * separators, so a bare number such as `2026` stays in the title), a stage (multi-word stages match
 * as consecutive words), and `close <date>`: the last `close` whose following words are entirely a
 * date (`new Close Co renewal close next friday` is titled "Close Co renewal"). Words in "double
 * quotes" are never options: `new "Acme won" 10k`.
 */
function parseNew(state: ParseState): ParseOutcome<NewDealIntent> {
  const { s, stages } = state;
  const tokens = state.tokens.slice(1);
  const defaultCurrency = defaultCurrencyOf(state);
  // Quoted words never take part in options.
  const words = tokens.map((t) => (t.quoted ? '"' : t.text));
  const stagesLongestFirst = [...stages].sort((a, b) => b.split(' ').length - a.split(' ').length);

  let amount: Money | undefined;
  let amountText = '';
  let amountNote: string | undefined;
  let stage: string | undefined;
  let owner: PersonRef | undefined;
  let ownerText = '';
  let closeDate: string | undefined;
  let pipeline: string | undefined;
  // `in <pipeline>` is read only when the workspace has several pipelines (the context lists them
  // then), and only when the words after `in` are exactly one of them: `new Work in progress` and,
  // with one pipeline, `new Expansion in Sales` keep their titles.
  const pipelines = (Array.isArray(state.ctx?.pipelines) ? state.ctx.pipelines : []).map((p) => p.toLowerCase());
  const pipelinesLongestFirst = [...new Set(pipelines)].sort((a, b) => b.split(' ').length - a.split(' ').length);

  const twice = (what: string, a: string, b: string) =>
    fail(
      `That has two ${what} (${clip(a, 30)} and ${clip(b, 30)}). Keep one, or put the title in "quotes".`,
      USAGE,
    );

  let end = tokens.length;
  peel: while (end > 0) {
    const last = tokens[end - 1];
    if (!last || last.quoted) break;

    // An owner: @maria or <@U123ABC>.
    if (looksLikeMention(last.text)) {
      const person = parseMention(last.text);
      if (person) {
        if (owner) return twice('owners', last.text, ownerText);
        owner = person;
        ownerText = last.text;
        end -= 1;
        continue;
      }
    }

    // An amount: 25k, $1.2M, 25,000 EUR, EUR 25000.
    const match = matchAmountBefore(words, end, defaultCurrency, amountOptions(state));
    // `… 0 NEW`: a stage after a number is a stage, not an unknown currency.
    const stageInstead = match?.reading.kind === 'invalid' && matchStage([last.text], stages) !== undefined;
    if (match && !stageInstead) {
      const typed = joinedText(tokens, end - match.length, end);
      if (match.reading.kind === 'invalid') return fail(match.reading.reason, USAGE);
      if (amount) return twice('amounts', typed, amountText);
      amount = match.reading.money;
      amountText = typed;
      amountNote = match.reading.note;
      end -= match.length;
      continue;
    }

    // in <pipeline>, possibly several words; the longest match wins.
    for (const name of pipelinesLongestFirst) {
      const n = name.split(' ').length;
      if (n + 1 > end - 1) continue;
      const slice = tokens.slice(end - n, end);
      if (word(tokens[end - n - 1]) !== 'in' || slice.some((t) => t.quoted)) continue;
      if (slice.map((t) => t.text.toLowerCase()).join(' ') !== name) continue;
      if (pipeline !== undefined) return twice('pipelines', name, pipeline);
      pipeline = name;
      end -= n + 1;
      continue peel;
    }

    // A stage, possibly several words ("closed won"); the longest match wins.
    for (const name of stagesLongestFirst) {
      const n = name.split(' ').length;
      if (n > end) continue;
      const slice = tokens.slice(end - n, end);
      if (slice.some((t) => t.quoted)) continue;
      if (matchStage(slice.map((t) => t.text), [name]) === undefined) continue;
      if (stage !== undefined) return twice('stages', name, stage);
      stage = name;
      end -= n;
      continue peel;
    }

    // close <date>: the last `close` followed entirely by a date, never the first word (that
    // `close` begins the title: `new Close 2026 3 3` is a deal called "Close 2026 3 3").
    const lowest = Math.max(1, end - 1 - LIMITS.dateWords);
    for (let i = end - 2; i >= lowest; i--) {
      if (word(tokens[i]) !== 'close') continue;
      const date = parseDateOnly(rawText(s, tokens, i + 1, end), state.dateCtx);
      if (date === undefined) continue;
      if (closeDate !== undefined) return twice('close dates', date, closeDate);
      closeDate = date;
      end = i;
      continue peel;
    }

    break;
  }

  // `close <words>` left in the title: words meant as a date that are not one are refused, never
  // kept in the title (`close someday`, `close 2026-02-30`); `close the deal` is just words.
  for (let i = end - 1; i >= 1; i--) {
    if (word(tokens[i]) !== 'close') continue;
    const after = rawText(s, tokens, i + 1, end);
    if (after === '' || looksLikeDateAttempt(after)) {
      return fail(notADate('close', after, 'close date', 'title'), USAGE);
    }
  }

  const title = rawText(s, tokens, 0, end).replace(/\s+/g, ' ');
  if (title === '') {
    return fail(
      'Give the deal a title, e.g. `/deal new Acme renewal 25k close next friday`.',
      USAGE,
    );
  }
  if (title.length > LIMITS.title) {
    return fail(`That title is too long: keep it under ${LIMITS.title} characters.`, USAGE);
  }
  const intent: NewDealIntent = { kind: 'new', title };
  if (amount) intent.amount = amount;
  if (stage !== undefined) intent.stage = stage;
  if (owner) intent.owner = owner;
  if (closeDate !== undefined) intent.closeDate = closeDate;
  if (pipeline !== undefined) intent.pipeline = pipeline;
  return ok(intent, [amountNote, closeDate === undefined ? undefined : pastDateNote(closeDate, 'close date', state.dateCtx)]);
}

export const newDeal = defineCommand<NewDealIntent>({
  kind: 'new',
  words: ['new'],
  group: 'Deals',
  usage: USAGE,
  summary: 'Create a deal. Options follow the title, in any order.',
  example: '/deal new Acme renewal 25k close next friday',
  details: [
    'The title is required (up to 200 characters). Options come after it, in any order: an amount, a stage, an @owner and `close <date>`.',
    'Put the title in "quotes" if it ends with words that look like options: `/deal new "Close Co won" 10k`.',
    'Example with everything: `/deal new Globex pilot $40k qualified @maria close Dec 1`.',
    'With several pipelines, `in <pipeline>` at the end picks one (`/deal new Acme renewal 5k in renewals`); otherwise the deal goes to the default pipeline. Only a pipeline name counts: `/deal new Work in progress` keeps its title.',
    ...AMOUNT_HELP,
    ...DATE_HELP,
  ],
  parse: parseNew,
  fits(state, typed) {
    const rest = state.tokens.slice(1);
    if (rest.length === 0) return 0;
    const restWords = rest.map((t) => t.text.toLowerCase());
    const currency = defaultCurrencyOf(state) || 'USD';
    const hasOption =
      rest.some((t) => !t.quoted && (looksLikeMention(t.text) || readAmount(t.text, currency, { requireMoneyMarker: true }).kind !== 'none')) ||
      restWords.includes('close') ||
      state.stages.includes(restWords[restWords.length - 1] ?? '');
    return hasOption ? 2 : mechanicalTypo(typed, 'new') ? 1 : 0;
  },
  async run(ctx, intent, prefix) {
    const { deal, created } = await ctx.crm.deals.create(ctx.actor, {
      title: intent.title,
      amount: intent.amount,
      stage: intent.stage,
      owner: intent.owner,
      closeDate: intent.closeDate,
      pipeline: intent.pipeline,
      idempotencyKey: deliveryKey(ctx),
    });
    return {
      kind: 'deal',
      headline: created ? `Created ${deal.ref}.` : `${deal.ref} was already created.`,
      deal,
      hint: nextActionHint(deal, prefix),
    };
  },
});
