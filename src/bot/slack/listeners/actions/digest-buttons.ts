/**
 * Buttons that only digests carry (the others on a digest's stale deals, Log activity, Set next
 * action and Mark lost, are the deal buttons: deal-buttons.ts). Acknowledged first; the deal id
 * in the value is looked up in the clicker's workspace, never trusted; the answer goes to the
 * clicker alone and leaves the digest, which the whole channel shares, as it is. Digests are
 * messages, so the answer goes through the response URL (a DM when there is none).
 */
import type { App, BlockAction, ButtonAction, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { formatDateOnly } from '../../../format.js';
import { todayIn } from '../../../../domain/shared/dates.js';
import { escapeMrkdwn } from '../../blocks/escape.js';
import { ACTIONS, SNOOZE_DAYS } from '../../ids.js';
import { actorOf, errorText, uniqueKey, type SlackDeps } from '../context.js';

export function registerDigestButtons(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTIONS.snoozeDeal }, async ({ ack, body, action, client, context, respond }) => {
    const answer = async (text: string) => {
      try {
        if (body.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text });
        else await client.chat.postMessage({ channel: body.user.id, text });
      } catch (err) {
        deps.log.warn({ err }, 'could not answer a snooze');
      }
    };
    await deps.inbox.handle(
      {
        kind: 'action',
        key: uniqueKey(`slack:action:${ACTIONS.snoozeDeal}`, body.trigger_id),
        body,
        context,
        ack: () => ack(),
        refuse: async (text) => {
          await ack();
          await answer(text);
        },
      },
      async () => answer(await snooze(body, action, client, context)),
    );
  });

  const snooze = async (body: BlockAction, action: ButtonAction, client: WebClient, context: Context): Promise<string> => {
    let text: string;
    try {
      const actor = await actorOf(deps, body, client, context);
      const { deal, until, changed } = await deps.crm.deals.snooze(actor, action.value ?? '', SNOOZE_DAYS);
      const today = todayIn(actor.timeZone, deps.crm.clock.now());
      const untilText = formatDateOnly(todayIn(actor.timeZone, until), today);
      // The same click delivered twice snoozes once, and says so.
      text = changed
        ? `:zzz: Snoozed ${deal.ref} ${escapeMrkdwn(deal.title)} until ${untilText}: it stays off the stale lists until then.`
        : `:zzz: ${deal.ref} ${escapeMrkdwn(deal.title)} is already snoozed until ${untilText}; nothing changed.`;
    } catch (err) {
      text = `:warning: ${escapeMrkdwn(errorText(err, deps.log))}`;
    }
    return text;
  };
}
