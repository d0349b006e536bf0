/**
 * Runs a `/deal` command for a person: parse (grammar) → the command's runner (domain) → a reply
 * view model that each surface renders its own way. Never throws: every failure becomes an error
 * reply. The commands and their runners are in the table (table.ts).
 */
import { workspaceAmountOptions } from './amount.js';
import { errorReply } from '../messages.js';
import type { ParseContext } from './intent.js';
import { parseCommand } from './parse.js';
import type { CommandContext, Reply } from './reply.js';
import { COMMANDS_BY_KIND } from './table.js';

export type { CommandContext, Reply, Surface } from './reply.js';
export { executeAssistantAction } from './families/assistant.js';
export { lostHeadline } from './families/deal-replies.js';

export async function executeCommand(ctx: CommandContext, text: string): Promise<Reply> {
  const prefix = ctx.prefix ?? '/deal';
  try {
    const parsed = parseCommand(text, await parseContext(ctx));
    if (!parsed.ok) {
      return { kind: 'error', message: withPrefix(parsed.error.message, prefix), hint: withPrefix(parsed.error.usage, prefix) };
    }
    const command = COMMANDS_BY_KIND.get(parsed.intent.kind);
    if (!command) return { kind: 'error', message: 'I don\'t know that command.', hint: withPrefix('/deal help', prefix) };
    const reply = await command.run(ctx, parsed.intent, prefix);
    return parsed.notes ? withNotes(reply, parsed.notes) : reply;
  } catch (err) {
    return errorReply(err, ctx.log, prefix);
  }
}

/**
 * How the grammar read the person's words (an ambiguous amount, a date in the past), shown before
 * the reply's own hint. Kept out of error replies: nothing was done.
 */
function withNotes(reply: Reply, notes: readonly string[]): Reply {
  if (reply.kind !== 'deal' && reply.kind !== 'digest' && reply.kind !== 'list') return reply;
  return { ...reply, hint: [...notes, reply.hint].filter((n): n is string => !!n).join('\n') };
}

export async function parseContext(ctx: Pick<CommandContext, 'crm' | 'actor'>): Promise<ParseContext> {
  const [ws, pipelines] = await Promise.all([
    ctx.crm.identity.getWorkspace(ctx.actor.workspaceId),
    ctx.crm.pipelines.pipelines(ctx.actor.workspaceId),
  ]);
  return {
    now: ctx.crm.clock.now(),
    timeZone: ctx.actor.timeZone,
    defaultCurrency: ws.defaultCurrency,
    ...workspaceAmountOptions(ws),
    // Every pipeline's stages (the default's first); the pipelines themselves only when there are several.
    stages: pipelines.flatMap((p) => p.stages.flatMap((s) => [s.key, s.name.toLowerCase()])),
    ...(pipelines.length > 1 && { pipelines: pipelines.flatMap((p) => [p.key, p.name.toLowerCase()]) }),
  };
}

function withPrefix(text: string, prefix: string): string {
  return prefix === '/deal' ? text : text.replaceAll('/deal', prefix);
}
