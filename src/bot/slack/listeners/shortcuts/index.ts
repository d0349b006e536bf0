/**
 * Message shortcuts. "Log to CRM" opens the log-activity modal prefilled with the message; the
 * activity keeps the message's permalink. "Create deal from message" opens the create-deal modal;
 * the message becomes the new deal's first note.
 *
 * Both acknowledge first, then make sure the person is one of the workspace's own members (for
 * someone never seen that takes users.info) before opening a modal: someone from another
 * organisation in a shared channel gets a refusal through the response URL, and no modal.
 */
import type { App, MessageShortcut, RespondFn } from '@slack/bolt';
import { createDealModal, logActivityModal } from '../../blocks/modals.js';
import { SHORTCUTS } from '../../ids.js';
import { actorOf, errorText, writeMeta, type SlackDeps } from '../context.js';

export function registerShortcuts(app: App, deps: SlackDeps): void {
  /** Says why nothing opened, privately to the person, where the shortcut was used. */
  const refuse = async (respond: RespondFn, err: unknown) => {
    await respond({ response_type: 'ephemeral', text: errorText(err, deps.log) }).catch((e: unknown) =>
      deps.log.warn({ err: e }, 'could not answer a message shortcut'),
    );
  };

  app.shortcut<MessageShortcut>(SHORTCUTS.logToCrm, async ({ ack, shortcut, client, context, respond }) => {
    await ack();
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
      view: logActivityModal({
        initial: { body: author ? `${text}\n— <@${author}>` : text, type: 'note' },
        privateMetadata: writeMeta({
          channelId: shortcut.channel.id,
          messageTs: shortcut.message_ts,
          authorId: author,
          responseUrl: shortcut.response_url,
        }),
      }),
    });
  });

  app.shortcut<MessageShortcut>(SHORTCUTS.createDealFromMessage, async ({ ack, shortcut, client, context, respond }) => {
    await ack();
    let actor;
    try {
      actor = await actorOf(deps, shortcut, client, context);
    } catch (err) {
      await refuse(respond, err);
      return;
    }
    const { stages } = await deps.crm.pipelines.defaultPipeline(actor.workspaceId);
    const text = shortcut.message.text ?? '';
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: createDealModal({
        stages,
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
  });
}

function firstLine(text: string): string {
  const line = (text.split('\n').find((l) => l.trim()) ?? '').replace(/<[^>]+>/g, '').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
