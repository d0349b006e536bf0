/**
 * The buttons on deal cards, lists and the App Home. Each acknowledges first; a button's value
 * (a deal id, a list cursor) is never trusted: every lookup is scoped to the clicker's workspace.
 *
 * Every button answers where it was clicked (`placeOf`):
 * - in a message (ephemeral or not): through the message's `response_url`, as before;
 * - in a modal: by updating that modal (`views.update` with the view's id), or by pushing a form
 *   onto it (`views.push`);
 * - in the App Home (no `response_url`, only a `trigger_id`): by opening the answer in a modal
 *   (`views.open`); a change also republishes the Home.
 *
 * A button pressed twice acts once: Advance stage and Won carry the stage the card showed
 * (blocks/deal-value.ts) and the domain changes nothing when the deal has moved on since; the
 * clicker is told so, with the card as it stands now.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../domain/index.js';
import { DomainError, DomainErrorCode } from '../../../../domain/errors.js';
import type { DealChange } from '../../../../domain/deals/deal.service.js';
import type { DealDetailView, DealView } from '../../../../domain/deals/deal.view.js';
import { executeAssistantAction, type Reply } from '../../../commands/execute.js';
import { answerModal, ANSWER_MODAL_TEXT } from '../../blocks/answer-modal.js';
import { parseListCursor } from '../../blocks/cursor.js';
import { dealMessage } from '../../blocks/deal-card.js';
import { parseDealValue } from '../../blocks/deal-value.js';
import { listMessage, replyBlocks } from '../../blocks/reply.js';
import { createDealModal, editDealModal, logActivityModal, lostReasonModal, nextActionModal } from '../../blocks/modals.js';
import { sharedHint } from '../../channels.js';
import { ACTIONS, ASSISTANT_ACTIONS, isDeliveredBlock } from '../../ids.js';
import { actorOf, errorText, uniqueKey, replyOptions, writeMeta, type SlackDeps } from '../context.js';

type ButtonArgs = {
  ack: () => Promise<void>;
  body: BlockAction;
  action: ButtonAction;
  client: WebClient;
  respond: (msg: Record<string, unknown>) => Promise<unknown>;
  context: { teamId?: string; userId?: string };
};

/** Where a button was clicked, which decides how it can answer. */
export type ButtonPlace = { kind: 'message' } | { kind: 'modal'; viewId: string } | { kind: 'home' };

/**
 * A message's buttons come with a `response_url`; a modal's with the view (and its id); the App
 * Home's with neither a response URL nor a modal. Anything else without a response URL is answered
 * like the Home: in a new modal.
 */
export function placeOf(body: BlockAction): ButtonPlace {
  if (body.view?.type === 'modal' && body.view.id) return { kind: 'modal', viewId: body.view.id };
  if (body.response_url && body.container?.type !== 'view') return { kind: 'message' };
  return { kind: 'home' };
}

/** What the clicker reads when a button changed something, or nothing. */
export const BUTTON_TEXT = {
  advanced: (d: DealView) => `${d.ref} is now in ${d.stage.name}.`,
  won: (d: DealView) => `${d.ref} is won. Nice work!`,
  /** The same click again, or someone was first. */
  unchanged: (d: DealView) =>
    d.status === 'open' ? `${d.ref} is already in ${d.stage.name}; nothing changed.` : `${d.ref} is already ${d.status}; nothing changed.`,
  /** Won on a card that shows an earlier stage than the deal is in now. */
  wonMovedOn: (d: DealView) =>
    `${d.ref} has moved to ${d.stage.name} since this card was shown; nothing changed. Press Won again if you still mean it.`,
  shareNeedsChannel: (d: DealView) =>
    `Share to channel needs a channel, and this card is not in one: type \`/deal ${d.ref}\` in the channel and share it from there.`,
  staleButton: 'This button is out of date. Open the deal again with /deal and its reference, e.g. /deal D-42.',
} as const;

export function registerDealButtons(app: App, deps: SlackDeps): void {
  const on = (actionId: string, handler: (args: ButtonArgs, actor: Actor) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionId }, async (args) => {
      const a = args as unknown as ButtonArgs;
      await deps.inbox.handle(
        {
          kind: 'action',
          // A click has no id worth deduplicating by: the buttons themselves carry what they expect.
          key: uniqueKey(`slack:action:${actionId}`, a.body.trigger_id),
          body: a.body,
          context: args.context,
          ack: () => args.ack(),
          refuse: async (text) => {
            await args.ack();
            await tell(a, { kind: 'error', message: text }, deps);
          },
        },
        async () => {
          try {
            const actor = await actorOf(deps, a.body, a.client, a.context);
            await handler(a, actor);
          } catch (err) {
            await tell(a, { kind: 'error', message: errorText(err, deps.log) }, deps);
          }
        },
      );
    });
  };

  /**
   * Shows an answer where the button was: replaces (or adds to) the message; updates the modal
   * (or pushes onto it); from the Home, opens it in a modal.
   */
  const answer = async (a: ButtonArgs, message: { text?: string; blocks: KnownBlock[] }, opts: { replace: boolean; title: string }) => {
    const place = placeOf(a.body);
    if (place.kind === 'message') {
      await a.respond({ response_type: 'ephemeral', replace_original: opts.replace, ...message });
      return;
    }
    const view = answerModal(opts.title, message);
    if (place.kind === 'modal' && opts.replace) await a.client.views.update({ view_id: place.viewId, view });
    else if (place.kind === 'modal') await a.client.views.push({ trigger_id: a.body.trigger_id, view });
    else await a.client.views.open({ trigger_id: a.body.trigger_id, view });
  };

  /** The deal card, with what happened (`headline`) or what did not (`notice`). */
  const showDeal = async (
    a: ButtonArgs,
    actor: Actor,
    deal: DealView | DealDetailView,
    what: { headline?: string; notice?: string; replace: boolean },
  ) => {
    const opts = await replyOptions(deps, actor);
    // In a modal or the Home there is no channel to share to.
    const shareable = placeOf(a.body).kind === 'message';
    const message = dealMessage(deal, { ...opts, shareable, headline: what.headline, notice: what.notice });
    await answer(a, message, { replace: what.replace, title: ANSWER_MODAL_TEXT.dealTitle(deal.ref) });
  };

  const changed = async (a: ButtonArgs, actor: Actor, result: DealChange, headline: string, notice: string) => {
    await showDeal(a, actor, result.deal, result.changed ? { headline, replace: true } : { notice, replace: true });
    if (result.changed) deps.home.refresh(a.client, actor, [a.body.user.id, result.deal.owner?.externalId]);
  };

  /** Opens a form modal: on top of the modal the button is in, or as a new one. */
  const openForm = async (a: ButtonArgs, view: ModalView) => {
    if (placeOf(a.body).kind === 'modal') await a.client.views.push({ trigger_id: a.body.trigger_id, view });
    else await a.client.views.open({ trigger_id: a.body.trigger_id, view });
  };

  /** What a deal button carried; a value we could not have made is answered as out of date. */
  const valueOf = (a: ButtonArgs) => {
    const value = parseDealValue(a.action.value);
    if (!value) throw new StaleButton();
    return value;
  };
  const dealId = (a: ButtonArgs) => valueOf(a).dealId;
  /** A button on a digest or nudge: the answer must not replace the message everyone shares. */
  const keep = (a: ButtonArgs) => (isDeliveredBlock(a.action.block_id) ? { keepOriginal: true } : {});
  /** Where a modal's submission answers: the card's response URL when the button was in a message. */
  const formMeta = (a: ButtonArgs, deal: DealView) =>
    writeMeta({ dealId: deal.id, ...(placeOf(a.body).kind === 'message' && { responseUrl: a.body.response_url }), ...keep(a) });

  on(ACTIONS.advanceStage, async (a, actor) => {
    const { dealId: id, stage } = valueOf(a);
    const result = await deps.crm.deals.advanceFrom(actor, id, stage);
    await changed(a, actor, result, BUTTON_TEXT.advanced(result.deal), BUTTON_TEXT.unchanged(result.deal));
  });

  on(ACTIONS.markWon, async (a, actor) => {
    const { dealId: id, stage } = valueOf(a);
    const result = await deps.crm.deals.markWonFrom(actor, id, stage);
    const notice = result.deal.status === 'open' ? BUTTON_TEXT.wonMovedOn(result.deal) : BUTTON_TEXT.unchanged(result.deal);
    await changed(a, actor, result, BUTTON_TEXT.won(result.deal), notice);
  });

  on(ACTIONS.markLost, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(a, lostReasonModal({ initial: { deal }, privateMetadata: formMeta(a, deal) }));
  });

  on(ACTIONS.setNextAction, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(
      a,
      nextActionModal({
        initial: { deal, action: deal.nextAction?.text, due: deal.nextAction?.due ?? undefined },
        privateMetadata: formMeta(a, deal),
      }),
    );
  });

  on(ACTIONS.logActivity, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(a, logActivityModal({ initial: { deal, type: 'call' }, privateMetadata: formMeta(a, deal) }));
  });

  on(ACTIONS.editDeal, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(
      a,
      editDealModal({
        initial: { title: deal.title, amount: deal.amountText, company: deal.company, closeDate: deal.expectedCloseDate },
        privateMetadata: formMeta(a, deal),
      }),
    );
  });

  on(ACTIONS.shareToChannel, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    if (placeOf(a.body).kind !== 'message') {
      await showDeal(a, actor, deal, { notice: BUTTON_TEXT.shareNeedsChannel(deal), replace: true });
      return;
    }
    // For everyone in the channel: not in one shared with another organisation, unless allowed.
    await deps.channels.guard(a.client, actor.workspaceId, a.body.channel?.id ?? '', sharedHint(a.body));
    const message = replyBlocks({ kind: 'deal', deal }, { now: deps.crm.clock.now(), timeZone: actor.timeZone });
    await a.respond({ response_type: 'in_channel', replace_original: false, ...message });
  });

  on(ACTIONS.openDeal, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await showDeal(a, actor, deal, { replace: false });
  });

  const page = async (a: ButtonArgs, actor: Actor) => {
    const cursor = parseListCursor(a.action.value);
    if (!cursor) throw new StaleButton();
    const paging = { page: cursor.page, pageSize: cursor.pageSize };
    const list =
      'scope' in cursor ? await deps.crm.deals.list(actor, cursor.scope, paging) : await deps.crm.deals.find(actor, cursor.query, paging);
    const message = listMessage(list, { now: deps.crm.clock.now(), timeZone: actor.timeZone, listSource: list.source });
    await answer(a, message, { replace: true, title: ANSWER_MODAL_TEXT.listTitle });
  };
  on(ACTIONS.pageNext, page);
  on(ACTIONS.pagePrev, page);

  // Draft follow-up, Summarise, Regenerate, Log as email activity, Set as next action: the value
  // is parsed by the executor, never trusted; answers go only to the person who clicked.
  for (const actionId of Object.values(ASSISTANT_ACTIONS)) {
    on(actionId, async (a, actor) => {
      const reply = await executeAssistantAction(
        { crm: deps.crm, actor, surface: 'slack', log: deps.log, deliveryId: `${a.body.team?.id}:${a.body.trigger_id}` },
        a.action.value,
      );
      const message = replyBlocks(reply, { ...(await replyOptions(deps, actor)), shareable: placeOf(a.body).kind === 'message' });
      const title = reply.kind === 'deal' ? ANSWER_MODAL_TEXT.dealTitle(reply.deal.ref) : ANSWER_MODAL_TEXT.otherTitle;
      await answer(a, message, { replace: false, title });
      if (reply.kind === 'deal') deps.home.refresh(a.client, actor, [a.body.user.id, reply.deal.owner?.externalId]);
    });
  }

  on(ACTIONS.newDeal, async (a, actor) => {
    const { stages } = await deps.crm.pipelines.defaultPipeline(actor.workspaceId);
    await openForm(a, createDealModal({ stages, initial: { ownerUserId: a.body.user.id }, privateMetadata: writeMeta({}) }));
  });
}

/** A button value we could not have made (edited, or from a much older card): answered in the person's words. */
class StaleButton extends DomainError {
  constructor() {
    super(DomainErrorCode.InvalidInput, BUTTON_TEXT.staleButton);
  }
}

async function tell(a: ButtonArgs, reply: Extract<Reply, { kind: 'error' }>, deps: SlackDeps): Promise<void> {
  try {
    if (placeOf(a.body).kind === 'message') {
      await a.respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...replyBlocks(reply, { now: deps.crm.clock.now(), timeZone: 'UTC' }),
      });
    } else if (a.body.user?.id) {
      // App Home and modal buttons have no response URL: a DM from the app is the place for the answer.
      await a.client.chat.postMessage({ channel: a.body.user.id, text: reply.message });
    }
  } catch (err) {
    deps.log.warn({ err }, 'could not tell the person about an error');
  }
}
