import type { App } from '@slack/bolt';
import { isDomainError, DomainErrorCode } from '../../../../domain/errors.js';
import { section } from '../../blocks/parts.js';
import type { SlackProfile } from '../../identity.js';
import type { SlackDeps } from '../context.js';
import { actorOf, errorText } from '../context.js';
import { installKeyOf } from '../../installation-store.js';
import { offerHandover } from './handover.js';

export function registerEvents(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab !== 'home') return;
    try {
      const actor = await actorOf(deps, { ...body, user_id: event.user }, client, context);
      await deps.home.publish(client, actor, event.user);
    } catch (err) {
      if (!isDomainError(err) || err.code !== DomainErrorCode.NotAMember) throw err;
      // A guest (or someone refused) sees why, and no CRM data.
      await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section(errorText(err, deps.log))] } });
    }
  });

  // What users.info said is kept on the member: a change (made a guest, deactivated, made an
  // admin, a new name or time zone) is picked up here rather than on the next request.
  // Someone deactivated: the admins are offered to hand what they own to someone else.
  app.event('user_change', async ({ event, context, client }) => {
    const user = event.user as unknown as SlackProfile;
    const teamId = context.teamId ?? user.team_id;
    if (!teamId || !user?.id) return;
    const member = await deps.identity.refresh(teamId, user);
    if (member?.deactivated) await offerHandover(deps, client, member);
  });

  // A channel shared with another organisation, or no longer: ask Slack again before posting there.
  const reshared = async ({ event, context }: { event: { channel: string }; context: { teamId?: string } }) => {
    if (context.teamId) deps.channels.forget(context.teamId, event.channel);
  };
  app.event('channel_shared', reshared);
  app.event('channel_unshared', reshared);

  // Uninstalled or tokens revoked: forget the installation's tokens. The CRM data stays, so a
  // reinstall finds everything where it was.
  const forget = async (teamId: string | undefined, enterpriseId: string | undefined, isEnterpriseInstall: boolean) => {
    if (!deps.installations || !teamId) return;
    await deps.installations.remove(installKeyOf({ teamId, enterpriseId, isEnterpriseInstall }));
    deps.identity.forget(teamId);
    deps.log.info({ teamId }, 'slack installation removed');
  };
  app.event('app_uninstalled', async ({ context }) => {
    await forget(context.teamId, context.enterpriseId, Boolean(context.isEnterpriseInstall));
  });
  app.event('tokens_revoked', async ({ event, context }) => {
    if (event.tokens.bot?.length) await forget(context.teamId, context.enterpriseId, Boolean(context.isEnterpriseInstall));
  });
}
