/**
 * Message shortcuts. "Log to CRM" opens a modal prefilled with the message, with one typeahead
 * for what it is about (a deal, a contact, or a deal with one of its contacts); the activity keeps
 * the message's permalink. "Create deal from message" opens the create-deal modal;
 * the message becomes the new deal's first note.
 *
 * Both acknowledge first, then make sure the person is one of the workspace's own members (for
 * someone never seen that takes users.info) before opening a modal: someone from another
 * organisation in a shared channel gets a refusal through the response URL, and no modal.
 */
import type { AllMiddlewareArgs, App, MessageShortcut, RespondFn, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { createDealModal, logToCrmModal } from '../../blocks/modals.js';
import { SHORTCUTS } from '../../ids.js';
import { actorOf, errorText, uniqueKey, writeMeta, type SlackDeps } from '../context.js';

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

export function registerShortcuts(app: App, deps: SlackDeps): void {
  /** Says why nothing opened, privately to the person, where the shortcut was used. */
  const say = async (respond: RespondFn, text: string) => {
    await respond({ response_type: 'ephemeral', text }).catch((e: unknown) => deps.log.warn({ err: e }, 'could not answer a message shortcut'));
  };
  const refuse = (respond: RespondFn, err: unknown) => say(respond, errorText(err, deps.log));

  /** Records the shortcut in the inbox, acknowledges it, and runs `work` on the bounded queue. */
  const accepted = (callbackId: string, args: ShortcutArgs, work: () => Promise<void>) =>
    deps.inbox.handle(
      {
        kind: 'shortcut',
        key: uniqueKey(`slack:shortcut:${callbackId}`, args.shortcut.trigger_id),
        body: args.shortcut,
        context: args.context,
        ack: () => args.ack(),
        refuse: async (text) => {
          await args.ack();
          await say(args.respond, text);
        },
      },
      work,
    );

  app.shortcut<MessageShortcut>(SHORTCUTS.logToCrm, (args) => accepted(SHORTCUTS.logToCrm, args, () => logToCrm(args)));
  app.shortcut<MessageShortcut>(SHORTCUTS.createDealFromMessage, (args) => accepted(SHORTCUTS.createDealFromMessage, args, () => createDeal(args)));

  const logToCrm = async ({ shortcut, client, context, respond }: ShortcutArgs) => {
    try {
      await actorOf(deps, shortcut, client, context);
    } catch (err) {
      await refuse(respond, err);
      return;
    }
    const text = shortcut.message.text ?? '';
    const author = shortcut.message.user;
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: logToCrmModal({
        initial: { body: author ? `${text}\n— <@${author}>` : text, type: 'note' },
        privateMetadata: writeMeta({
          channelId: shortcut.channel.id,
          messageTs: shortcut.message_ts,
          authorId: author,
          responseUrl: shortcut.response_url,
        }),
      }),
    });
  };

  const createDeal = async ({ shortcut, client, context, respond }: ShortcutArgs) => {
    let actor;
    try {
      actor = await actorOf(deps, shortcut, client, context);
    } catch (err) {
      await refuse(respond, err);
      return;
    }
    const pipelines = await deps.crm.pipelines.pipelines(actor.workspaceId);
    const text = shortcut.message.text ?? '';
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: createDealModal({
        pipelines,
        initial: { title: firstLine(text), ownerUserId: shortcut.user.id },
        privateMetadata: writeMeta({
          channelId: shortcut.channel.id,
          messageTs: shortcut.message_ts,
          authorId: shortcut.message.user,
          responseUrl: shortcut.response_url,
          messageText: text.slice(0, 1500),
        }),
      }),
    });
  };
}

function firstLine(text: string): string {
  const line = (text.split('\n').find((l) => l.trim()) ?? '').replace(/<[^>]+>/g, '').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
