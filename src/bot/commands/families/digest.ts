/** The channel digest and the morning nudge: when and where they come, and the workspace's stale rules. */
import { formatMinuteOfDay } from '../../../domain/digests/schedule.js';
import type { NudgeSettingsView } from '../../../domain/digests/digest.view.js';
import { formatMoney } from '../../../domain/shared/money.js';
import { readAmount } from '../amount.js';
import { defineCommand } from '../command.js';
import { safeTimeZone } from '../dates.js';
import type { Money } from '../intent.js';
import type { CommandContext, Reply } from '../reply.js';
import { amountOptions, defaultCurrencyOf, fail, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, rawText, word, type Token } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';

/** `/deal digest …`: the channel digest's settings. */
export type DigestIntent =
  /** Show this conversation's digest settings and the workspace's. */
  | { kind: 'digest'; action: 'show' }
  /** Subscribe this conversation, or change its settings; absent fields keep their value (or default). */
  | {
      kind: 'digest';
      action: 'here';
      /** Minutes after local midnight. */
      minuteOfDay?: number;
      days?: 'weekdays' | 'daily';
      whenEmpty?: 'all_clear' | 'silent';
      /** An IANA zone typed in the command; the speaker's zone otherwise. */
      timeZone?: string;
    }
  | { kind: 'digest'; action: 'off' }
  /** Today's digest for this conversation, shown only to the person who asked. */
  | { kind: 'digest'; action: 'preview' }
  /** The workspace's stale period, in days. */
  | { kind: 'digest'; action: 'stale'; days: number }
  /** Stale deals at or above this amount come first; null turns it off. */
  | { kind: 'digest'; action: 'threshold'; amount: Money | null };

/**
 * The person's morning nudge: with no field set, show the settings. `minuteOfDay` and the quiet
 * hours are minutes after midnight in their time zone; `quiet: null` turns quiet hours off.
 */
export interface NudgesIntent {
  kind: 'nudges';
  enabled?: boolean;
  minuteOfDay?: number;
  quiet?: { start: number; end: number } | null;
}

const USAGES = {
  digest:
    '/deal digest [here [at <time>] [weekdays|daily] [all-clear|silent] [<time zone>] | off | preview | stale <days> | threshold <amount>|off]',
  nudges: '/deal nudges [on|off] [at <time>] [quiet <from>-<to>|quiet off]',
} as const;

const DIGEST_WORDS = ['here', 'off', 'preview', 'stale', 'threshold', 'settings'];
const NUDGE_WORDS = ['on', 'off', 'at', 'quiet'];

/**
 * A time of day as minutes after midnight: `9`, `9:00`, `09:30`, `17:45`, `9am`, `5:30pm`, `9 am`
 * (the am/pm may be its own word: pass both). Undefined when it is not one.
 */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(text.trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[3]?.toLowerCase().replaceAll('.', '');
  if (minute > 59) return undefined;
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    return undefined;
  }
  return hour * 60 + minute;
}

/** Reads a time at tokens[i] (and an `am`/`pm` word after it): the minutes and how many tokens it used. */
function timeAt(tokens: readonly Token[], i: number): { minute: number; used: number } | undefined {
  const first = tokens[i];
  if (!first || first.quoted) return undefined;
  const half = word(tokens[i + 1]);
  if (half && /^(am|pm|a\.m\.|p\.m\.)$/.test(half)) {
    const minute = parseTimeOfDay(`${first.text} ${half}`);
    if (minute !== undefined) return { minute, used: 2 };
  }
  const minute = parseTimeOfDay(first.text);
  return minute === undefined ? undefined : { minute, used: 1 };
}

/** `19:00-08:00`, `7pm-8am`, `19-8`, or `19:00 to 08:00`: quiet hours as [start, end) minutes. */
function rangeAt(tokens: readonly Token[], i: number): { start: number; end: number; used: number } | undefined {
  const t = tokens[i];
  if (!t || t.quoted) return undefined;
  const dash = /^(.+?)\s*[-–]\s*(.+)$/.exec(t.text);
  if (dash) {
    const start = parseTimeOfDay(dash[1] ?? '');
    const end = parseTimeOfDay(dash[2] ?? '');
    return start === undefined || end === undefined ? undefined : { start, end, used: 1 };
  }
  const from = timeAt(tokens, i);
  if (!from) return undefined;
  const sep = word(tokens[i + from.used]);
  if (sep !== 'to' && sep !== '-' && sep !== '–') return undefined;
  const to = timeAt(tokens, i + from.used + 1);
  return to ? { start: from.minute, end: to.minute, used: from.used + 1 + to.used } : undefined;
}

const looksLikeTimeZone = (text: string) => /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2}$|^UTC$|^GMT$/.test(text);

function parseDigest(state: ParseState): ParseOutcome<DigestIntent> {
  const { tokens } = state;
  const sub = word(tokens[1]);
  const rest = tokens.slice(2);
  const usage = USAGES.digest;
  if (sub === undefined || sub === 'settings') {
    if (tokens.length > 2) return fail('`/deal digest` alone shows the settings.', usage);
    return ok({ kind: 'digest', action: 'show' });
  }
  if (sub === 'off' || sub === 'stop' || sub === 'preview') {
    if (rest.length > 0) return fail(`\`/deal digest ${sub}\` takes no options.`, usage);
    return ok({ kind: 'digest', action: sub === 'preview' ? 'preview' : 'off' });
  }
  if (sub === 'stale') {
    const n = rest.length === 1 || (rest.length === 2 && /^days?$/i.test(rest[1]?.text ?? '')) ? Number(rest[0]?.text) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 365) {
      return fail('How many days without activity make a deal stale? e.g. `/deal digest stale 21` (1 to 365).', usage);
    }
    return ok({ kind: 'digest', action: 'stale', days: n });
  }
  if (sub === 'threshold') {
    const text = rawText(state.s, tokens, 2, tokens.length);
    if (/^(off|none)$/i.test(text)) return ok({ kind: 'digest', action: 'threshold', amount: null });
    const currency = defaultCurrencyOf(state);
    const reading = text ? readAmount(text, currency, amountOptions(state)) : { kind: 'none' as const };
    if (reading.kind === 'invalid') return fail(reading.reason, usage);
    if (reading.kind !== 'money') {
      const unread = text === '' ? '' : `I can't read "${clip(text, 40)}" as an amount. `;
      return fail(`${unread}Give an amount, e.g. \`/deal digest threshold 50k\`, or \`off\`.`, usage);
    }
    return ok({ kind: 'digest', action: 'threshold', amount: reading.money }, [reading.note]);
  }
  if (sub !== 'here') {
    return fail(`I don't know \`/deal digest ${clip(tokens[1]?.text ?? '', 30)}\`.${didYouMean(sub, DIGEST_WORDS)} Use here, off, preview, stale or threshold.`, usage);
  }
  const intent: Extract<DigestIntent, { action: 'here' }> = { kind: 'digest', action: 'here' };
  for (let i = 2; i < tokens.length; ) {
    const t = tokens[i]!;
    const w = word(t) ?? '';
    if (w === 'at') {
      const time = timeAt(tokens, i + 1);
      if (!time) return fail('At what time? e.g. `/deal digest here at 9:00` or `at 8:30am`.', usage);
      intent.minuteOfDay = time.minute;
      i += 1 + time.used;
    } else if (w === 'weekdays' || w === 'workdays') {
      intent.days = 'weekdays';
      i++;
    } else if (w === 'daily' || w === 'everyday') {
      intent.days = 'daily';
      i++;
    } else if (w === 'all-clear' || w === 'allclear') {
      intent.whenEmpty = 'all_clear';
      i++;
    } else if (w === 'silent' || w === 'quiet') {
      intent.whenEmpty = 'silent';
      i++;
    } else if (!t.quoted && looksLikeTimeZone(t.text)) {
      if (safeTimeZone(t.text) !== t.text) return fail(`"${clip(t.text, 40)}" isn't a time zone I know. Use one like Europe/Berlin.`, usage);
      intent.timeZone = t.text;
      i++;
    } else {
      const time = timeAt(tokens, i);
      if (time) {
        intent.minuteOfDay = time.minute;
        i += time.used;
        continue;
      }
      return fail(`I don't understand "${clip(t.text, 30)}" here.`, usage);
    }
  }
  return ok(intent);
}

function parseNudges(state: ParseState): ParseOutcome<NudgesIntent> {
  const { tokens } = state;
  const usage = USAGES.nudges;
  const intent: NudgesIntent = { kind: 'nudges' };
  for (let i = 1; i < tokens.length; ) {
    const w = word(tokens[i]) ?? '';
    if (w === 'on' || w === 'off') {
      intent.enabled = w === 'on';
      i++;
    } else if (w === 'at') {
      const time = timeAt(tokens, i + 1);
      if (!time) return fail('At what time? e.g. `/deal nudges at 8:30`.', usage);
      intent.minuteOfDay = time.minute;
      i += 1 + time.used;
    } else if (w === 'quiet') {
      if (/^(off|none)$/.test(word(tokens[i + 1]) ?? '')) {
        intent.quiet = null;
        i += 2;
        continue;
      }
      const range = rangeAt(tokens, i + 1);
      if (!range) return fail('Give quiet hours as a range, e.g. `/deal nudges quiet 19:00-08:00`, or `quiet off`.', usage);
      intent.quiet = { start: range.start, end: range.end };
      i += 1 + range.used;
    } else {
      const time = timeAt(tokens, i);
      if (time) {
        intent.minuteOfDay = time.minute;
        i += time.used;
        continue;
      }
      return fail(`I don't understand "${clip(tokens[i]?.text ?? '', 30)}" here.`, usage);
    }
  }
  return ok(intent);
}

export const digestCommand = defineCommand<DigestIntent>({
  kind: 'digest',
  words: ['digest'],
  helpWords: ['digests'],
  group: 'Digests and settings',
  usage: USAGES.digest,
  summary: 'A daily pipeline digest in this channel: stale deals, next actions due, what moved, won or lost, and the pipeline.',
  example: '/deal digest here at 9:00 weekdays',
  details: [
    '`/deal digest here [at <time>] [weekdays|daily] [all-clear|silent] [<time zone>]` subscribes the channel you type it in (defaults: 9:00, weekdays, your time zone, an all-clear line on days with nothing to report). Typed again, it changes only what you give.',
    '`/deal digest off` stops it; `/deal digest` shows the settings; `/deal digest preview` shows today\'s digest to you alone.',
    'Workspace settings: `/deal digest stale 21` (days without activity that make a deal stale, 14 by default), `/deal digest threshold 50k` (stale deals of that amount or more come first; `off` to stop).',
    'Each stale deal has buttons: Snooze 7 days, Log activity, Set next action, Mark lost. The bot must be in the channel to post (`/invite @deals`).',
  ],
  parse: parseDigest,
  fits: (state) => (state.tokens.length === 1 || DIGEST_WORDS.includes(word(state.tokens[1]) ?? '') ? 1 : 0),
  run: (ctx, intent, prefix) => digestReply(ctx, intent, prefix),
});

export const nudgesCommand = defineCommand<NudgesIntent>({
  kind: 'nudges',
  words: ['nudges', 'nudge'],
  group: 'Digests and settings',
  usage: USAGES.nudges,
  summary: 'Your morning DM: your open deals with no next action, your next actions and tasks due. Weekdays, in your time zone.',
  example: '/deal nudges at 8:30',
  details: [
    'On by default at 9:00 in your time zone, Monday to Friday, with quiet hours 19:00–08:00; days with nothing to do send nothing.',
    '`/deal nudges off` (or `on`), `/deal nudges at 8:30`, `/deal nudges quiet 20:00-07:30` (or `quiet off`). `/deal nudges` shows your settings.',
    'A nudge time inside your quiet hours waits until they end.',
  ],
  parse: parseNudges,
  fits: (state) => (state.tokens.length === 1 || NUDGE_WORDS.includes(word(state.tokens[1]) ?? '') ? 1 : 0),
  async run(ctx, intent) {
    const { kind: _kind, ...patch } = intent;
    if (Object.keys(patch).length === 0) return { kind: 'nudges', settings: await ctx.crm.nudges.settings(ctx.actor) };
    const settings = await ctx.crm.nudges.update(ctx.actor, patch);
    return { kind: 'nudges', settings, headline: nudgeHeadline(settings) };
  },
});

async function digestReply(ctx: CommandContext, intent: DigestIntent, prefix: string): Promise<Reply> {
  const { crm, actor } = ctx;
  const here = ctx.surface === 'console' ? undefined : ctx.channelId;
  const settings = async (headline?: string, hint?: string): Promise<Reply> => ({
    kind: 'digest',
    settings: await crm.digests.settings(actor, here),
    headline,
    hint,
  });
  switch (intent.action) {
    case 'show':
      return settings(undefined, here ? undefined : `Digests post to a channel: type \`${prefix} digest here\` in a Slack or Teams channel.`);
    case 'preview':
      return { kind: 'digest_preview', digest: await crm.digests.preview(actor, here) };
    case 'stale':
      await crm.digests.setStaleDays(actor, intent.days);
      return settings(`Deals with no activity for ${intent.days} days now count as stale.`);
    case 'threshold':
      await crm.digests.setStaleThreshold(actor, intent.amount);
      return settings(
        intent.amount ? `Stale deals of ${formatMoney(intent.amount)} or more now come first in digests.` : 'Stale deals are no longer sorted by amount.',
      );
    case 'off': {
      if (!here) return needsChannel(prefix);
      const removed = await crm.digests.unsubscribe(actor, here);
      return settings(removed ? 'This channel no longer gets the digest.' : 'This channel had no digest.');
    }
    case 'here': {
      if (!here || ctx.surface === 'console') return needsChannel(prefix);
      await ctx.channelGuard?.();
      const { subscription: s, created } = await crm.digests.subscribe(actor, {
        platform: ctx.surface,
        conversationId: here,
        minuteOfDay: intent.minuteOfDay,
        days: intent.days,
        whenEmpty: intent.whenEmpty,
        timeZone: intent.timeZone,
      });
      const when = `${s.days === 'daily' ? 'every day' : 'on weekdays'} at ${formatMinuteOfDay(s.minuteOfDay)} (${s.timeZone})`;
      return settings(
        created ? `This channel gets the pipeline digest ${when}.` : `Digest updated: ${when}.`,
        created && ctx.surface === 'slack' ? 'If I am not in this channel yet, add me (`/invite @deals`) so that I can post here.' : undefined,
      );
    }
  }
}

function needsChannel(prefix: string): Reply {
  return {
    kind: 'error',
    message: 'Digests post to a Slack or Teams channel, and the console has none.',
    hint: `Type \`${prefix} digest here\` in the channel that should get it; \`${prefix} digest preview\` shows one here.`,
  };
}

function nudgeHeadline(s: NudgeSettingsView): string {
  if (!s.enabled) return 'Morning nudges are off.';
  const quiet = s.quiet ? `, quiet ${s.quiet.start}–${s.quiet.end}` : '';
  return `Morning nudges on, weekdays at ${s.time} (${s.timeZone})${quiet}.`;
}
