import type { App } from '@slack/bolt';
import type { SlackDeps } from '../context.js';
import { actorOf } from '../context.js';
import { installKeyOf } from '../../installation-store.js';

export function registerEvents(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab !== 'home') return;
    const actor = await actorOf(deps, { ...body, user_id: event.user }, client, context);
    await deps.home.publish(client, actor, event.user);
  });

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
