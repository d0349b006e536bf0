/**
 * The stage gate dialog's fetch and submit (cards/gate-dialog.ts). The values typed are read as
 * people give them (an amount such as `25k` with the workspace's reading, a date, `@name`) and
 * handed to the domain's move as its fill: the values and the move are one transaction, the gate
 * checked again. A mistake brings the dialog back with it on top and what was typed kept.
 */
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Actor } from '../../../domain/index.js';
import { readAmount, workspaceAmountOptions } from '../../commands/amount.js';
import { closedNote, lostHeadline } from '../../commands/families/deal-replies.js';
import { plainMoney } from '../../commands/families/pipelines.js';
import { errorReply } from '../../messages.js';
import { gateDialog, gateInputId } from '../cards/gate-dialog.js';
import type { DialogInfo } from '../cards/forms.js';
import { replyCard } from '../cards/reply.js';
import { DIALOGS } from '../ids.js';
import { asActivity, audienceFor, PREFIX, replyOptions, sendReply, STALE_BUTTON, type TeamsDeps } from './context.js';

const gateData = z.object({ dialog: z.literal(DIALOGS.stageGate), dealId: z.string().min(1).max(64), stageId: z.string().min(1).max(64) }).passthrough();

export const isGateDialog = (data: unknown) => gateData.safeParse(data).success;

/** The dialog for what the deal lacks now (read fresh: it may have been given meanwhile). */
export async function fetchGateDialog(deps: TeamsDeps, actor: Actor, data: unknown): Promise<DialogInfo | undefined> {
  const parsed = gateData.safeParse(data);
  if (!parsed.success) return undefined;
  const gate = await deps.crm.deals.gateFor(actor, parsed.data.dealId, parsed.data.stageId);
  return gateDialog({ ...gate, dealId: parsed.data.dealId });
}

export async function submitGateDialog(
  deps: TeamsDeps,
  context: TurnContext,
  actor: Actor,
  data: unknown,
): Promise<{ kind: 'again'; dialog: DialogInfo } | { kind: 'done'; message?: string }> {
  const parsed = gateData.safeParse(data);
  if (!parsed.success) return { kind: 'done', message: STALE_BUTTON };
  const { dealId, stageId } = parsed.data;
  const raw = parsed.data as Record<string, unknown>;
  const gate = await deps.crm.deals.gateFor(actor, dealId, stageId);
  const values: Record<string, string> = {};
  for (const m of gate.missing) {
    const v = raw[gateInputId(m.key)];
    if (typeof v === 'string' && v.trim() !== '') values[gateInputId(m.key)] = v.trim();
  }
  const again = (error: string) => ({ kind: 'again' as const, dialog: gateDialog({ ...gate, dealId, error, values }) });
  const fill: Record<string, string> = {};
  for (const m of gate.missing) {
    const value = values[gateInputId(m.key)];
    if (value === undefined) continue;
    if (m.key === 'amount') {
      const ws = await deps.crm.identity.getWorkspace(actor.workspaceId);
      const reading = readAmount(value, ws.defaultCurrency, workspaceAmountOptions(ws));
      if (reading.kind !== 'money') return again(reading.kind === 'invalid' ? reading.reason : 'Write an amount such as 25k, $1.2M or 25,000 EUR.');
      fill.amount = plainMoney(reading.money);
    } else if (m.key === 'close') {
      fill.close = value.slice(0, 10);
    } else {
      fill[m.key] = value;
    }
  }
  try {
    const change = await deps.crm.deals.moveStageChange(actor, dealId, stageId, { fill });
    const { deal } = change;
    const headline =
      deal.status === 'lost' ? lostHeadline(change) : change.changed ? closedNote(`${deal.ref} is now in ${deal.stage.name}.`, change) : `${deal.ref} is already in ${deal.stage.name}. Nothing changed.`;
    const reply = { kind: 'deal' as const, deal, headline };
    // Opened from the deal's card: that card shows the move (unless outsiders read the conversation).
    if (context.activity.replyToId && (await audienceFor(deps, context, actor)).kind === 'own') {
      await context.updateActivity({ ...asActivity(replyCard(reply, await replyOptions(deps, actor))), id: context.activity.replyToId });
    } else {
      await sendReply(deps, context, actor, reply);
    }
    return { kind: 'done' };
  } catch (err) {
    return again(errorReply(err, deps.log, PREFIX).message);
  }
}
