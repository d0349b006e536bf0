/**
 * `/deal …`: acknowledged at once, then the shared grammar runs and the answer arrives as an
 * ephemeral message through the response URL. `/deal` alone opens the create-deal modal.
 */
import type { App, Context, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { sharedHint } from '../../channels.js';
import { executeCommand } from '../../../commands/execute.js';
import { replyBlocks } from '../../blocks/reply.js';
import { createDealModal } from '../../blocks/modals.js';
import { gateModal } from '../../blocks/gate-modal.js';
import { slackExports } from '../../export-files.js';
import { actorOf, errorText, replyOptions, writeMeta, type SlackDeps } from '../context.js';

export function registerDealCommand(app: App, deps: SlackDeps): void {
  app.command('/deal', async ({ ack, command, respond, client, context, body }) => {
    await deps.inbox.handle(
      {
        kind: 'command',
        // A trigger id is unique per invocation: a redelivered command is not run twice.
        key: `slack:command:${command.team_id}:${command.trigger_id}`,
        body,
        context,
        ack: () => ack(),
        refuse: (text) => ack({ response_type: 'ephemeral', text }),
      },
      () => run(command, respond, client, context),
    );
  });

  const run = async (command: SlashCommand, respond: RespondFn, client: WebClient, context: Context) => {
    const text = command.text.trim();
    try {
      const actor = await actorOf(deps, command, client, context);
      if (text === '') {
        // Several pipelines: a picker, the default preselected; the stages follow the pick.
        const pipelines = await deps.crm.pipelines.pipelines(actor.workspaceId);
        await client.views.open({
          trigger_id: command.trigger_id,
          view: createDealModal({
            pipelines,
            initial: { ownerUserId: command.user_id },
            privateMetadata: writeMeta({ responseUrl: command.response_url, channelId: command.channel_id }),
          }),
        });
        return;
      }
      const reply = await executeCommand(
        // A trigger id is unique per invocation: the key that keeps a redelivery from writing twice.
        {
          crm: deps.crm,
          actor,
          surface: 'slack',
          log: deps.log,
          deliveryId: `${command.team_id}:${command.trigger_id}`,
          channelId: command.channel_id,
          // A digest is for everyone in the channel: not in one shared with another organisation.
          channelGuard: () => deps.channels.guard(client, actor.workspaceId, command.channel_id, sharedHint(command)),
          // `/deal export`: "Preparing your export…" here, then the files in the person's DM (export-files.ts).
          exports: slackExports({
            client,
            userId: command.user_id,
            log: deps.log,
            say: async (said) => void (await respond({ response_type: 'ephemeral', text: said })),
          }),
        },
        text,
      );
      // A stage gate refused the move: ask for exactly what the deal lacks, in a modal.
      if (reply.kind === 'error' && reply.gate) {
        const { gate } = reply;
        const meta = writeMeta({ dealId: gate.deal, stageId: gate.stage.id, responseUrl: command.response_url, channelId: command.channel_id });
        const opened = await client.views
          .open({ trigger_id: command.trigger_id, view: gateModal({ deal: gate.deal, stage: gate.stage, missing: gate.missing, privateMetadata: meta }) })
          .then(() => true)
          .catch((err: unknown) => (deps.log.warn({ err }, 'could not open the stage gate modal'), false));
        if (opened) return;
      }
      await respond({
        response_type: 'ephemeral',
        ...replyBlocks(reply, await replyOptions(deps, actor)),
      });
      if (reply.kind === 'deal' && reply.headline) {
        deps.home.refresh(client, actor, [command.user_id, reply.deal.owner?.externalId]);
      }
      // A task created, done or snoozed: the Homes that list it.
      if (reply.kind === 'task' && reply.headline) {
        deps.home.refresh(client, actor, [command.user_id, reply.task.assignee?.externalId]);
      }
    } catch (err) {
      await respond({ response_type: 'ephemeral', text: errorText(err, deps.log) });
    }
  };
}
