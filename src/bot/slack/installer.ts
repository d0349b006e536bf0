/**
 * After an OAuth install is stored: the person who installed the app becomes an admin of that
 * workspace's CRM (SlackIdentity.installer). A failure here is logged and never fails the install
 * (the tokens are stored; the person can still be made an admin with `/deal role`).
 */
import { webApi } from '@slack/bolt';
import type { Installation } from '@slack/oauth';
import type { Logger } from '../../log.js';
import type { SlackIdentity } from './identity.js';

/** users.info for the installer is asked once, briefly: the install's redirect waits for it. */
const INSTALLER_LOOKUP = { timeoutMs: 5_000, retries: 1 };

export function installerAdmin(identity: SlackIdentity, log: Logger, slackApiUrl?: string): (installation: Installation) => Promise<void> {
  return async (installation) => {
    const teamId = installation.team?.id;
    const userId = installation.user?.id;
    const token = installation.bot?.token;
    // An org-wide (Enterprise Grid) install has no one workspace to administer.
    if (!teamId || !userId || !token) return;
    try {
      const client = new webApi.WebClient(token, {
        ...(slackApiUrl && { slackApiUrl }),
        timeout: INSTALLER_LOOKUP.timeoutMs,
        retryConfig: { retries: INSTALLER_LOOKUP.retries },
        logLevel: webApi.LogLevel.ERROR,
      });
      const member = await identity.installer({ teamId, userId, ...(installation.team?.name && { teamName: installation.team.name }) }, client);
      log.info({ teamId, userId, admin: member?.role === 'admin' }, 'slack installer made an admin');
    } catch (err) {
      log.warn({ err, teamId, userId }, 'could not make the slack installer an admin');
    }
  };
}
