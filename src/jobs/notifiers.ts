/**
 * The notifiers this process can deliver through, one per configured platform, behind one
 * Notifier that routes by `destination.platform`. Teams plugs in here with its own notifier.
 */
import { slackConfigured, teamsConfigured, type Env } from '../config/env.js';
import type { Crm } from '../domain/index.js';
import { sendTimeoutMs } from '../domain/digests/delivery.runner.js';
import { DeliveryError, type Destination, type Notification, type Notifier, type SentMessage } from '../domain/ports.js';
import type { Logger } from '../log.js';
import { SlackNotifier } from '../bot/slack/notifier.js';
import { createTeamsNotifier } from '../bot/teams/index.js';

export type Platform = Destination['platform'];

/** One Slack Web API request's timeout for a delivery, before the lease caps it (see sendTimeoutMs). */
export const SLACK_DELIVERY_TIMEOUT_MS = 30_000;

export class RoutingNotifier implements Notifier {
  constructor(private readonly byPlatform: Partial<Record<Platform, Notifier>>) {}

  get platforms(): Platform[] {
    return Object.keys(this.byPlatform) as Platform[];
  }

  send(dest: Destination, notification: Notification): Promise<SentMessage> {
    const notifier = this.byPlatform[dest.platform];
    if (!notifier) return Promise.reject(new DeliveryError('no_notifier', { retryable: false, message: `no notifier for ${dest.platform}` }));
    return notifier.send(dest, notification);
  }

  async findSent(dest: Destination, key: string, since: Date): Promise<SentMessage | null | undefined> {
    const notifier = this.byPlatform[dest.platform];
    return notifier?.findSent ? notifier.findSent(dest, key, since) : undefined;
  }
}

/** A notifier for every chat platform the environment configures (none: nothing is delivered). */
export function createNotifier(env: Env, crm: Crm, log: Logger, overrides: { slackApiUrl?: string } = {}): RoutingNotifier {
  const byPlatform: Partial<Record<Platform, Notifier>> = {};
  if (slackConfigured(env)) {
    // OAuth installs carry their own tokens; a bot token means one workspace (or Socket Mode).
    const oauth = Boolean(env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && !env.SLACK_APP_TOKEN);
    byPlatform.slack = new SlackNotifier({
      crm,
      botToken: oauth ? undefined : env.SLACK_BOT_TOKEN,
      slackApiUrl: overrides.slackApiUrl,
      // A post starts right after its claim is renewed and must end well within the lease.
      timeoutMs: sendTimeoutMs(env.CRM_DELIVERY_LEASE_SECONDS * 1000, SLACK_DELIVERY_TIMEOUT_MS),
      log: log.child({ notifier: 'slack' }),
    });
  }
  if (teamsConfigured(env)) byPlatform.teams = createTeamsNotifier(env, crm, log.child({ notifier: 'teams' }));
  return new RoutingNotifier(byPlatform);
}
