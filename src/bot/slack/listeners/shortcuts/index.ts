/**
 * Message shortcuts. "Log to CRM" opens the log-activity modal prefilled with the message; the
 * activity keeps the message's permalink. "Create deal from message" opens the create-deal modal;
 * the message becomes the new deal's first note. The trigger id is used at once, before any
 * other call.
 */
import type { App, MessageShortcut } from '@slack/bolt';
import { createDealModal, logActivityModal } from '../../blocks/modals.js';
import { SHORTCUTS } from '../../ids.js';
import { actorOf, writeMeta, type SlackDeps } from '../context.js';

export function registerShortcuts(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>(SHORTCUTS.logToCrm, async ({ ack, shortcut, client, context }) => {
    await ack();
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
    // The person exists in the CRM from their first shortcut on.
    await actorOf(deps, shortcut, client, context);
  });

  app.shortcut<MessageShortcut>(SHORTCUTS.createDealFromMessage, async ({ ack, shortcut, client, context }) => {
    await ack();
    const actor = await actorOf(deps, shortcut, client, context);
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
