/**
 * The buttons on cards. Teams sends them as `adaptiveCard/action` invokes (`Action.Execute`,
 * answered with the refreshed card, which Teams shows in place) or, on clients without universal
 * actions, as a message carrying the same data (`Action.Submit`; the card is then updated by id).
 * Both arrive here. The data is never trusted: it is parsed with zod and every lookup is scoped
 * to the clicker's workspace. A redelivered click writes nothing twice: advance moves from the
 * stage the card showed (not "one further"), logging is keyed by the activity id, and the other
 * actions are idempotent by nature.
 */
import type { TurnContext } from 'botbuilder';
import { lostHeadline } from '../../commands/execute.js';
import { z } from 'zod';
import type { Actor } from '../../../domain/index.js';
import type { DealView } from '../../../domain/deals/deal.view.js';
import { ACTIVITY_TYPES } from '../../../domain/activities/activity.schema.js';
import { listScopeSchema, searchSchema } from '../../../domain/deals/deal.schema.js';
import { executeAssistantAction } from '../../commands/execute.js';
import { errorReply, type ErrorReply } from '../../messages.js';
import { formatDateOnly } from '../../format.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { DIGEST_SNOOZE_DAYS } from '../../../domain/digests/digest.view.js';
import { dealAssistantButtons } from '../../../domain/assistant/assistant.view.js';
import { ASSISTANT_VERBS, DIALOGS, VERBS } from '../ids.js';
import { openDialog, type AdaptiveCard } from '../cards/parts.js';
import { dealCard } from '../cards/deal-card.js';
import { listCard, MAX_LIST_ITEMS } from '../cards/reply.js';
import { isRecordAction, runRecordAction } from './record-actions.js';
import { isHandoverAction, runHandoverAction } from './handover.js';
import { isImportAction, runImportAction } from './import.js';
import { asActivity, commandContext, PREFIX, replyOptions, sendReply, STALE_BUTTON, type TeamsDeps } from './context.js';

/**
 * What a button did: replace the card it was on; or it posted its answer as a new message
 * (`posted`, a line for the clicker); or it could not run (`note`, the reason).
 */
export type CardActionResult = { kind: 'replace'; card: AdaptiveCard } | { kind: 'posted'; text: string } | { kind: 'note'; text: string };

const id = z.string().trim().min(1).max(64);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const cursorSchema = z.union([
  z.object({ scope: listScopeSchema, page: z.number().int().min(1).max(10_000), pageSize: z.number().int().min(1).max(MAX_LIST_ITEMS) }),
  z.object({ query: searchSchema, page: z.number().int().min(1).max(10_000), pageSize: z.number().int().min(1).max(MAX_LIST_ITEMS) }),
]);
type AssistantVerb = (typeof ASSISTANT_VERBS)[keyof typeof ASSISTANT_VERBS];
const assistantVerbs = Object.values(ASSISTANT_VERBS) as [AssistantVerb, ...AssistantVerb[]];

const actionSchema = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal(VERBS.advanceStage), dealId: id, stage: z.string().max(100) }),
  z.object({ verb: z.literal(VERBS.markWon), dealId: id }),
  // Inputs arrive as strings; the domain checks them (and says what is wrong on the card).
  z.object({ verb: z.literal(VERBS.markLost), dealId: id, reason: optionalText }),
  z.object({ verb: z.literal(VERBS.setNextAction), dealId: id, nextAction: optionalText, due: optionalText }),
  z.object({ verb: z.literal(VERBS.logActivity), dealId: id, activityType: z.enum(ACTIVITY_TYPES).catch('note'), body: optionalText }),
  z.object({ verb: z.literal(VERBS.openDeal), dealId: id }),
  z.object({ verb: z.literal(VERBS.snoozeDeal), dealId: id }),
  z.object({ verb: z.literal(VERBS.page), cursor: cursorSchema }),
  z.object({ verb: z.enum(assistantVerbs), action: z.unknown() }),
]);
export type CardAction = z.infer<typeof actionSchema>;

/** Whether a message's `value` is one of our buttons' data (the `Action.Submit` fallback). */
export function isCardActionData(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { verb?: unknown }).verb === 'string';
}

export async function runCardAction(deps: TeamsDeps, context: TurnContext, actor: Actor, data: unknown): Promise<CardActionResult> {
  // Contacts, companies, tasks, the duplicate choice and the deal card's Contacts form.
  if (isRecordAction(data)) return runRecordAction(deps, context, actor, data);
  // The admins' card about a member who left.
  if (isHandoverAction(data)) return runHandoverAction(deps, actor, data);
  // A CSV's dry run: Import and Cancel.
  if (isImportAction(data)) return runImportAction(deps, context, actor, data);
  const parsed = actionSchema.safeParse(data);
  if (!parsed.success) return { kind: 'note', text: STALE_BUTTON };
  const action = parsed.data;
  const { crm } = deps;
  /** The deal's card, with what just happened or (`notice`) what went wrong on top. */
  const show = async (deal: DealView, headline?: string, notice?: ErrorReply): Promise<CardActionResult> => {
    const opts = await replyOptions(deps, actor);
    const card = dealCard(deal, {
      ...opts,
      ...(headline && { headline }),
      ...(notice && { notice: notice.message, ...(notice.hint && { hint: notice.hint }) }),
      assistantButtons: dealAssistantButtons(deal, opts.assistant ?? false),
    });
    return { kind: 'replace', card };
  };

  if (action.verb === VERBS.page) {
    const { page, pageSize } = action.cursor;
    const list =
      'scope' in action.cursor
        ? await crm.deals.list(actor, action.cursor.scope, { page, pageSize })
        : await crm.deals.find(actor, action.cursor.query, { page, pageSize });
    return { kind: 'replace', card: listCard(list, { now: crm.clock.now(), timeZone: actor.timeZone }).card };
  }

  if (!('dealId' in action)) {
    // An assistant button: the answer is a new (private) message; the card stays as it was.
    const reply = await executeAssistantAction(commandContext(deps, actor, context), action.action);
    await sendReply(deps, context, actor, reply);
    return { kind: 'posted', text: reply.kind === 'error' ? reply.message : 'Done.' };
  }

  if (action.verb === VERBS.snoozeDeal) {
    // On a digest the whole channel shares: answer the clicker, never replace the card.
    try {
      const { deal, until } = await crm.deals.snooze(actor, action.dealId, DIGEST_SNOOZE_DAYS);
      const today = todayIn(actor.timeZone, crm.clock.now());
      return { kind: 'note', text: `💤 Snoozed ${deal.ref} ${deal.title} until ${formatDateOnly(todayIn(actor.timeZone, until), today)}: it stays off the stale lists until then.` };
    } catch (err) {
      return { kind: 'note', text: errorReply(err, deps.log, PREFIX).message };
    }
  }

  try {
    switch (action.verb) {
      case VERBS.advanceStage: {
        // Moves only from the stage the card showed, in one guarded write: a redelivery of this
        // click, or two people at once, move the deal once; the others see where it is now.
        const change = await crm.deals.advanceFrom(actor, action.dealId, action.stage);
        const { deal } = change;
        return show(deal, change.changed ? `${deal.ref} is now in ${deal.stage.name}.` : `${deal.ref} is already in ${deal.stage.name}. Nothing changed.`);
      }
      case VERBS.markWon: {
        const change = await crm.deals.markWonFrom(actor, action.dealId, undefined);
        const { deal } = change;
        return show(deal, change.changed ? `${deal.ref} is won. Nice work!` : `${deal.ref} is already won. Nothing changed.`);
      }
      case VERBS.markLost: {
        const change = await crm.deals.markLostFrom(actor, action.dealId, action.reason, undefined);
        return show(change.deal, lostHeadline(change));
      }
      case VERBS.setNextAction: {
        const deal = await crm.deals.setNextAction(actor, action.dealId, { action: action.nextAction ?? '', ...(action.due && { due: action.due }) });
        return show(deal, `Next action set on ${deal.ref}.`);
      }
      case VERBS.logActivity: {
        const { created } = await crm.activities.log(actor, {
          deal: action.dealId,
          type: action.activityType,
          body: action.body ?? '',
          source: 'teams',
          ...(context.activity.id && { idempotencyKey: `teams:${context.activity.id}` }),
        });
        const deal = await crm.deals.get(actor, action.dealId);
        const what = action.activityType === 'email' ? 'an email' : `a ${action.activityType}`;
        return show(deal, created ? `Logged ${what} on ${deal.ref}.` : `That was already logged on ${deal.ref}.`);
      }
      case VERBS.openDeal: {
        const deal = await crm.deals.get(actor, action.dealId);
        await sendReply(deps, context, actor, { kind: 'deal', deal });
        return { kind: 'posted', text: `Opened ${deal.ref}.` };
      }
    }
  } catch (err) {
    const reply = errorReply(err, deps.log, PREFIX);
    const deal = await crm.deals.get(actor, action.dealId).catch(() => undefined);
    if (!deal) return { kind: 'note', text: reply.message };
    const shown = await show(deal, undefined, reply);
    // A stage gate refused the move: the card offers the dialog that asks for exactly what is missing.
    if (reply.gate && shown.kind === 'replace') shown.card.actions = [gateButton(deal.id, reply.gate.stage.id), ...(shown.card.actions ?? [])];
    return shown;
  }
  return { kind: 'note', text: STALE_BUTTON };
}

/** "Give what's missing": opens the stage gate dialog (cards/gate-dialog.ts) for a deal and a stage. */
export const gateButton = (dealId: string, stageId: string) => openDialog('Give what’s missing', { dialog: DIALOGS.stageGate, dealId, stageId });

/** The `Action.Submit` fallback: the same actions, the card updated by id (or a new message). */
export async function runSubmittedAction(deps: TeamsDeps, context: TurnContext, actor: Actor, data: unknown): Promise<void> {
  const result = await runCardAction(deps, context, actor, data);
  if (result.kind === 'posted') return;
  if (result.kind === 'note') {
    await context.sendActivity({ type: 'message', text: result.text });
    return;
  }
  const replyToId = context.activity.replyToId;
  const activity = { ...asActivity({ card: result.card, summary: result.card.fallbackText ?? '' }) };
  if (replyToId) {
    await context.updateActivity({ ...activity, id: replyToId });
  } else {
    await context.sendActivity(activity);
  }
}
