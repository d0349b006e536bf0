/** `/deal settings`: who may use the CRM, where the bot may post, how amounts read. */
import { defineCommand } from '../command.js';
import type { CommandContext, Reply } from '../reply.js';
import { fail, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, word } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';

/**
 * `/deal settings [guests on|off] [shared-channels on|off] [decimal comma|point|auto]`: the
 * workspace's switches; changing them is for workspace admins.
 */
export interface SettingsIntent {
  kind: 'settings';
  allowGuests?: boolean;
  allowSharedChannels?: boolean;
  decimalMark?: 'comma' | 'point' | null;
}

const USAGE = '/deal settings [guests on|off] [shared-channels on|off] [decimal comma|point|auto]';

/** The words of `/deal settings <switch> on|off`, and the workspace switch each names. */
const SETTING_WORDS: Readonly<Record<string, 'allowGuests' | 'allowSharedChannels'>> = {
  guests: 'allowGuests',
  guest: 'allowGuests',
  'shared-channels': 'allowSharedChannels',
  'shared-channel': 'allowSharedChannels',
  shared: 'allowSharedChannels',
};

function parseSettings(state: ParseState): ParseOutcome<SettingsIntent> {
  const { tokens } = state;
  const usage = USAGE;
  const intent: SettingsIntent = { kind: 'settings' };
  const names = ['guests', 'shared-channels', 'decimal'];
  for (let i = 1; i < tokens.length; i += 2) {
    const name = word(tokens[i]) ?? '';
    const value = word(tokens[i + 1]);
    if (DECIMAL_WORDS.includes(name)) {
      // How "1.500" reads: a decimal comma (1.234,56) or point (1,234.56), or back to the currency's way.
      if (value !== 'comma' && value !== 'point' && value !== 'auto') {
        return fail(`Say \`comma\`, \`point\` or \`auto\` after "${name}", e.g. \`/deal settings decimal comma\` for 1.234,56.`, usage);
      }
      intent.decimalMark = value === 'auto' ? null : value;
      continue;
    }
    const key = SETTING_WORDS[name];
    if (!key) return fail(`There is no setting called "${clip(tokens[i]?.text ?? '', 30)}".${didYouMean(name, names)} Settings: ${names.join(', ')}.`, usage);
    if (value !== 'on' && value !== 'off') return fail(`Say \`on\` or \`off\` after "${name}", e.g. \`/deal settings ${name} on\`.`, usage);
    intent[key] = value === 'on';
  }
  return ok(intent);
}

/** The words of `/deal settings decimal comma|point|auto`. */
const DECIMAL_WORDS = ['decimal', 'decimals', 'decimal-mark', 'numbers'];

export const settingsCommand = defineCommand<SettingsIntent>({
  kind: 'settings',
  words: ['settings', 'setting'],
  group: 'Digests and settings',
  usage: USAGE,
  summary: 'Who may use the CRM, where the bot may post, and how amounts read: guests, channels shared with other organisations, the decimal mark.',
  example: '/deal settings guests on',
  details: [
    '`/deal settings` shows the workspace settings to anyone; changing one is for the CRM’s admins (`/deal admins` lists them).',
    '`guests on|off` (off by default): whether guest accounts (Slack single- and multi-channel guests, Teams guests) may use the CRM. People from other organisations (Slack Connect, other Teams tenants) never can.',
    '`shared-channels on|off` (off by default): whether the bot may post deal cards and digests that everyone can read in channels shared with other organisations. Answers only you see are not affected.',
    '`decimal comma|point|auto`: how an amount like `1.500` reads: `comma` for 1.234,56 (so 1.500 is fifteen hundred), `point` for 1,234.56; `auto` (the default) follows the workspace currency (EUR: comma, USD: point). The answer says how an ambiguous amount was read.',
  ],
  parse: parseSettings,
  fits(state) {
    const next = word(state.tokens[1]) ?? '';
    return state.tokens.length === 1 || SETTING_WORDS[next] !== undefined || DECIMAL_WORDS.includes(next) ? 1 : 0;
  },
  run: (ctx, intent, prefix) => settingsReply(ctx, intent, prefix),
});

/** `/deal settings`: the workspace's switches, after any change (admins only change them). */
async function settingsReply(ctx: CommandContext, intent: SettingsIntent, prefix: string): Promise<Reply> {
  const { kind: _kind, ...patch } = intent;
  const changed = Object.keys(patch).length > 0;
  const s = changed ? await ctx.crm.identity.changeSettings(ctx.actor, patch) : await ctx.crm.identity.settings(ctx.actor.workspaceId);
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  const text = [
    changed ? 'Settings saved.' : 'Workspace settings:',
    `• Guests: *${onOff(s.allowGuests)}*: ${s.allowGuests ? 'guest accounts may use the CRM.' : 'only the workspace’s own members may use the CRM; guests get a polite refusal.'}`,
    `• Shared channels: *${onOff(s.allowSharedChannels)}*: ${
      s.allowSharedChannels
        ? 'the bot may post deal cards and digests in channels shared with other organisations.'
        : 'the bot posts nothing everyone can read in channels shared with other organisations (answers only you see still work).'
    }`,
    `• Decimal mark: *${s.decimalMark ?? 'auto'}*: ${
      s.decimalMark === 'comma'
        ? '1.500 reads as one thousand five hundred, 1,5 as one and a half.'
        : s.decimalMark === 'point'
          ? '1,500 reads as one thousand five hundred, 1.5 as one and a half.'
          : 'amounts like 1.500 are read the way the workspace’s currency is usually written.'
    }`,
    `Change one (workspace admins): \`${prefix} settings guests on\`, \`${prefix} settings shared-channels off\`, \`${prefix} settings decimal comma\`.`,
  ].join('\n');
  return { kind: 'help', text };
}
