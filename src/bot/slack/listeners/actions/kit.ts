/**
 * What every button (and select) listener shares: registering through the inbox with the identity
 * check, answering where the click happened, opening a form, telling the person about an error.
 *
 * Every action answers where it was clicked (`placeOf`):
 * - in a message (ephemeral or not): through the message's `response_url`;
 * - in a modal: by updating that modal (`views.update` with the view's id), or by pushing a form
 *   onto it (`views.push`);
 * - in the App Home (no `response_url`, only a `trigger_id`): by opening the answer in a modal
 *   (`views.open`), or by republishing the Home.
 */
import type { App, BasicElementAction, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../domain/index.js';
import { DomainError, DomainErrorCode } from '../../../../domain/errors.js';
import type { Reply } from '../../../commands/reply.js';
import { answerModal } from '../../blocks/answer-modal.js';
import { replyBlocks } from '../../blocks/reply.js';
import { actorOf, errorText, uniqueKey, type SlackDeps } from '../context.js';

export type ActionArgs<A extends BasicElementAction = ButtonAction> = {
  ack: () => Promise<void>;
  body: BlockAction<A>;
  action: A;
  client: WebClient;
  respond: (msg: Record<string, unknown>) => Promise<unknown>;
  context: { teamId?: string; userId?: string };
};
export type ButtonArgs = ActionArgs<ButtonAction>;

/** Where a button was clicked, which decides how it can answer. */
export type ButtonPlace = { kind: 'message' } | { kind: 'modal'; viewId: string } | { kind: 'home' };

/**
 * A message's buttons come with a `response_url`; a modal's with the view (and its id); the App
 * Home's with neither a response URL nor a modal. Anything else without a response URL is answered
 * like the Home: in a new modal.
 */
export function placeOf(body: BlockAction<BasicElementAction>): ButtonPlace {
  if (body.view?.type === 'modal' && body.view.id) return { kind: 'modal', viewId: body.view.id };
  if (body.response_url && body.container?.type !== 'view') return { kind: 'message' };
  return { kind: 'home' };
}

export const STALE_BUTTON_TEXT = 'This button is out of date. Open the deal again with /deal and its reference, e.g. /deal D-42.';

/** A button value we could not have made: answered in the person's words. */
export class StaleButton extends DomainError {
  constructor(text: string = STALE_BUTTON_TEXT) {
    super(DomainErrorCode.InvalidInput, text);
  }
}

export interface ActionKit {
  /** Listens for an action id: recorded in the inbox, acknowledged, the clicker checked, errors told. */
  on<A extends BasicElementAction = ButtonAction>(actionId: string, handler: (a: ActionArgs<A>, actor: Actor) => Promise<void>): void;
  /**
   * Shows an answer where the button was: replaces (or adds to) the message; updates the modal
   * (or pushes onto it); from the Home, opens it in a modal.
   */
  answer(a: ActionArgs<BasicElementAction>, message: { text?: string; blocks: KnownBlock[] }, opts: { replace: boolean; title: string }): Promise<void>;
  /** Opens a form modal: on top of the modal the button is in, or as a new one. */
  openForm(a: ActionArgs<BasicElementAction>, view: ModalView): Promise<void>;
}

export function actionKit(app: App, deps: SlackDeps): ActionKit {
  return {
    on(actionId, handler) {
      app.action({ type: 'block_actions', action_id: actionId }, async (args) => {
        const a = args as unknown as ActionArgs<never>;
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
              await tellError(a, text, deps);
            },
          },
          async () => {
            try {
              const actor = await actorOf(deps, a.body, a.client, a.context);
              await handler(a, actor);
            } catch (err) {
              await tellError(a, errorText(err, deps.log), deps);
            }
          },
        );
      });
    },

    async answer(a, message, opts) {
      const place = placeOf(a.body);
      if (place.kind === 'message') {
        await a.respond({ response_type: 'ephemeral', replace_original: opts.replace, ...message });
        return;
      }
      const view = answerModal(opts.title, message);
      if (place.kind === 'modal' && opts.replace) await a.client.views.update({ view_id: place.viewId, view });
      else if (place.kind === 'modal') await a.client.views.push({ trigger_id: a.body.trigger_id, view });
      else await a.client.views.open({ trigger_id: a.body.trigger_id, view });
    },

    async openForm(a, view) {
      if (placeOf(a.body).kind === 'modal') await a.client.views.push({ trigger_id: a.body.trigger_id, view });
      else await a.client.views.open({ trigger_id: a.body.trigger_id, view });
    },
  };
}

/** Tells the clicker what went wrong: in the message, or (Home, modal: no response URL) by DM. */
export async function tellError(a: ActionArgs<BasicElementAction>, message: string, deps: SlackDeps): Promise<void> {
  const reply: Extract<Reply, { kind: 'error' }> = { kind: 'error', message };
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
