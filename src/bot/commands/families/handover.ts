/**
 * `/deal handover @maria to @sam`: hands everything Maria owns (open deals, contacts, companies,
 * open tasks) to Sam, in one transaction (admins only; the domain enforces it and refuses handing
 * to someone deactivated, a guest, read-only, or Maria herself). `/deal handover @maria` alone says
 * what she owns. Plain-text answers (`help` replies), so every surface shows them as they are.
 */
import { handoverText, leaverText } from '../../../domain/identity/handover.view.js';
import { defineCommand } from '../command.js';
import type { PersonRef } from '../intent.js';
import { looksLikeMention, parseMention } from '../mentions.js';
import type { Reply } from '../reply.js';
import { fail, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip } from '../grammar/tokens.js';

export interface HandoverIntent {
  kind: 'handover';
  from: PersonRef;
  /** Absent: only say what `from` owns. */
  to?: PersonRef;
}

const USAGE = '/deal handover @person to @someone';
const EXAMPLE = '/deal handover @maria to @sam';

function parseHandover(state: ParseState): ParseOutcome<HandoverIntent> {
  const rest = state.tokens.slice(1);
  const isMention = (t: (typeof rest)[number]) => !t.quoted && looksLikeMention(t.text);
  const mentions = rest.filter(isMention);
  if (mentions.length === 0) {
    return fail(`Whose deals, and to whom? Mention the person leaving, then who gets them, e.g. \`${EXAMPLE}\`.`, USAGE);
  }
  if (mentions.length > 2) return fail(`Hand over from one person to one other, e.g. \`${EXAMPLE}\`.`, USAGE);
  const people = mentions.map((m) => parseMention(m.text));
  const bad = mentions.find((_m, i) => !people[i]);
  if (bad) return fail(`"${clip(bad.text, 40)}" isn't a person I can read: mention them, e.g. \`${EXAMPLE}\`.`, USAGE);
  // The shapes that read: `@maria`, `@maria @sam`, `@maria to @sam`.
  const shape = rest.map((t) => (isMention(t) ? '@' : t.text.toLowerCase())).join(' ');
  if (!['@', '@ @', '@ to @'].includes(shape)) {
    const between = (i: number) => i === 1 && isMention(rest[0]!) && rest[2] !== undefined && isMention(rest[2]);
    const stray = rest.find((t, i) => !isMention(t) && !(t.text.toLowerCase() === 'to' && between(i))) ?? rest[0]!;
    return fail(`"${clip(stray.text, 30)}" doesn't belong there: write the person leaving, \`to\`, then who gets their deals, e.g. \`${EXAMPLE}\`.`, USAGE);
  }
  const [from, to] = people as PersonRef[];
  return ok({ kind: 'handover', from: from!, ...(to && { to }) });
}

export const handoverCommand = defineCommand<HandoverIntent>({
  kind: 'handover',
  words: ['handover', 'hand-over'],
  group: 'Digests and settings',
  usage: USAGE,
  summary: 'Hand everything someone owns (open deals, contacts, companies, open tasks) to someone else, e.g. when they leave (admins only).',
  example: EXAMPLE,
  details: [
    'Everything moves at once; each deal’s timeline records the new owner. Closed deals stay with their owner, as history. Doing it again moves nothing and says so.',
    '`/deal handover @maria` alone says what Maria owns. When someone is deactivated in Slack or removed from the team in Teams, the admins get a message offering the same.',
  ],
  parse: parseHandover,
  fits: (state) => (state.tokens.slice(1).some((t) => !t.quoted && parseMention(t.text) !== undefined) ? 2 : 0),
  async run(ctx, intent, prefix): Promise<Reply> {
    if (!intent.to) {
      const who = await ctx.crm.identity.resolvePerson(ctx.actor.workspaceId, intent.from);
      const summary = await ctx.crm.handover.leaverSummary(ctx.actor.workspaceId, who.id);
      return { kind: 'help', text: `${leaverText(summary)}\nHand them to someone with \`${prefix} handover @${who.handle} to @someone\` (admins).` };
    }
    const result = await ctx.crm.handover.handOver(ctx.actor, intent.from, intent.to);
    return { kind: 'help', text: handoverText(result) };
  },
});
