/**
 * The Slack surface on Bolt. Three ways to run, chosen by the environment:
 * - single workspace: SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, HTTP at /slack/events;
 * - OAuth distribution: SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_STATE_SECRET +
 *   SLACK_SIGNING_SECRET + CRM_ENCRYPTION_KEY, install at /slack/install;
 * - Socket Mode (local development behind a firewall): SLACK_APP_TOKEN + SLACK_BOT_TOKEN.
 * The HTTP receiver checks Slack's signature and its 5-minute timestamp window on every request.
 */
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import type { Env } from '../../config/env.js';
import type { Crm } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { createInstallationStore } from './installation-store.js';
import { installerAdmin } from './installer.js';
import { SlackIdentity } from './identity.js';
import { registerListeners } from './listeners/index.js';
import { DEFAULT_INBOX_LIMITS, SlackInbox, type InboxLimits } from './inbox.js';
import { dedupeEvents } from './dedupe.js';
import { createSlackReceiver } from './receiver.js';
import type { SlackAuth } from './startup.js';

type ExpressReceiverT = ExpressReceiver;
type AppT = App;

/**
 * The bot scopes (manifest.yml asks for the same; see it for what each is for). `im:write` and
 * `files:write`: `/deal export` opens the person's DM and posts files there. `im:history` and
 * `files:read`: a CSV sent to the app in a DM (event `message.im`) is downloaded and imported.
 */
export const SLACK_SCOPES = [
  'commands',
  'chat:write',
  'users:read',
  'users:read.email',
  'channels:read',
  'groups:read',
  'im:read',
  'mpim:read',
  'im:write',
  'files:write',
  'im:history',
  'files:read',
];

export const SLACK_PATHS = {
  events: '/slack/events',
  install: '/slack/install',
  redirect: '/slack/oauth_redirect',
} as const;

export interface SlackSurface {
  app: AppT;
  /** The HTTP receiver (absent in Socket Mode); its `app` is the Express app to serve. */
  receiver?: ExpressReceiverT;
  mode: 'single' | 'oauth' | 'socket';
  identity: SlackIdentity;
  /** Acknowledged requests: recorded, run on a bounded queue, drained on stop, recovered after a crash. */
  inbox: SlackInbox;
  /** The bot token's workspace (auth.test's team_id), single workspace and Socket Mode; undefined with OAuth. */
  readonly homeTeamId?: string;
}

export class SlackConfigError extends Error {
  override readonly name = 'SlackConfigError';
}

export interface SlackSurfaceOptions {
  /** Slack's Web API base URL; only benchmarks and local stubs change it. */
  slackApiUrl?: string;
  /**
   * auth.test's answer, checked before start (main.ts, verifySlackBotToken): the home team is
   * known before the first request, and Bolt does not call auth.test again.
   */
  auth?: SlackAuth;
  /** Bounds of the work behind acknowledgements (CRM_WORK_CONCURRENCY, CRM_MAX_BACKLOG, …). */
  inbox?: Partial<InboxLimits>;
}

export function createSlackSurface(env: Env, crm: Crm, log: Logger, options: SlackSurfaceOptions = {}): SlackSurface {
  const clientOptions = options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : undefined;
  const logger = boltLogger(log.child({ surface: 'slack' }));
  // The installation's own team, from auth.test (single workspace and Socket Mode): people whose
  // team differs are from another organisation. With OAuth each request's installation is its home.
  let homeTeamId: string | undefined = options.auth?.teamId;
  const botIds = options.auth ? { botId: options.auth.botId, botUserId: options.auth.botUserId } : {};
  const identity = new SlackIdentity(crm, log, { currency: env.CRM_CURRENCY, timeZone: env.CRM_TIMEZONE }, () => homeTeamId);
  let app: AppT;
  let receiver: ExpressReceiverT | undefined;
  let mode: SlackSurface['mode'];

  if (env.SLACK_APP_TOKEN) {
    if (!env.SLACK_BOT_TOKEN) throw new SlackConfigError('Socket Mode (SLACK_APP_TOKEN) also needs SLACK_BOT_TOKEN.');
    mode = 'socket';
    // The Socket Mode client opens its connection (apps.connections.open) through installerOptions' client options.
    const installerOptions = clientOptions ? { clientOptions: { ...clientOptions } } : undefined;
    app = new App({ token: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN, socketMode: true, logger, clientOptions, installerOptions, ...botIds });
  } else if (env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET) {
    const missing = [
      !env.SLACK_SIGNING_SECRET && 'SLACK_SIGNING_SECRET',
      !env.SLACK_STATE_SECRET && 'SLACK_STATE_SECRET',
      !crm.installations && 'CRM_ENCRYPTION_KEY',
    ].filter(Boolean);
    if (missing.length) throw new SlackConfigError(`Slack OAuth also needs ${missing.join(', ')}.`);
    mode = 'oauth';
    receiver = createSlackReceiver(log, {
      signingSecret: env.SLACK_SIGNING_SECRET!,
      clientId: env.SLACK_CLIENT_ID,
      clientSecret: env.SLACK_CLIENT_SECRET,
      stateSecret: env.SLACK_STATE_SECRET,
      scopes: SLACK_SCOPES,
      installationStore: createInstallationStore(crm.installations!, installerAdmin(identity, log, options.slackApiUrl)),
      installerOptions: { installPath: SLACK_PATHS.install, redirectUriPath: SLACK_PATHS.redirect, directInstall: true },
      endpoints: SLACK_PATHS.events,
      logger,
    });
    app = new App({ receiver, logger, clientOptions });
  } else if (env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET) {
    mode = 'single';
    receiver = createSlackReceiver(log, { signingSecret: env.SLACK_SIGNING_SECRET, endpoints: SLACK_PATHS.events, logger });
    app = new App({ token: env.SLACK_BOT_TOKEN, receiver, logger, clientOptions, ...botIds });
  } else {
    throw new SlackConfigError(
      'Slack needs SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, or SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_STATE_SECRET + SLACK_SIGNING_SECRET.',
    );
  }

  // With OAuth there is no one home team: each request's installation is its own.
  if (mode === 'oauth') homeTeamId = undefined;
  if (mode !== 'oauth' && !options.auth) {
    app.client.auth
      .test()
      .then((res) => {
        homeTeamId = res.team_id;
      })
      .catch((err: unknown) => log.warn({ err }, 'Slack auth.test failed; outsiders are told apart by the request’s team until it answers'));
  }

  // First of the global middleware: a retried event stops here, before any other work.
  app.use(dedupeEvents(crm.inbox, log));
  const inbox = new SlackInbox(crm, log, { ...DEFAULT_INBOX_LIMITS, ...options.inbox });
  registerListeners(app, { crm, log, identity, installations: crm.installations, inbox });
  if (mode === 'oauth' && crm.installations) {
    const store = createInstallationStore(crm.installations);
    inbox.botTokenFor = async (teamId) => (await store.fetchInstallation({ teamId, enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token;
  }
  app.error(async (err) => {
    log.error({ err }, 'slack listener failed');
  });
  return {
    app,
    receiver,
    mode,
    identity,
    inbox,
    get homeTeamId() {
      return homeTeamId;
    },
  };
}

/** Bolt's logger interface over pino. */
function boltLogger(log: Logger): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => log.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => log.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => log.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log.error(msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
