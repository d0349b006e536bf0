/**
 * The Teams surface on Bot Framework, assembled: adapter (token verification, one onTurnError),
 * the bot, and the proactive sender behind the Notifier port. This folder is the only place that
 * imports the Bot Framework SDK (`botbuilder`, in maintenance upstream; its successor is the
 * Microsoft 365 Agents SDK): moving to the successor touches this folder only.
 *
 * Served at POST /api/messages on the same HTTP server as Slack (src/bot/http.ts). Jobs running in
 * their own worker use `createTeamsNotifier`, which needs no HTTP server.
 */
import type { Request, Response } from 'express';
import type { Env } from '../../config/env.js';
import type { Crm } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { createAdapter, teamsCredentials, TeamsConfigError } from './adapter.js';
import { CrmBot } from './crm.bot.js';
import { TeamsIdentity } from './identity.js';
import { AudienceChecker } from './audience.js';
import { ProactiveSender, TeamsNotifier, type SenderOptions } from './proactive.js';

export { TeamsConfigError };
export { ProactiveSender, TeamsNotifier, type SenderOptions };

export const TEAMS_PATHS = { messages: '/api/messages' } as const;

export interface TeamsSurface {
  /** Where Bot Framework posts activities (the messaging endpoint of the bot registration). */
  path: string;
  appId: string;
  /** Handles one POST (body already parsed as JSON): verifies the token, runs the turn, answers. */
  process(req: Request, res: Response): Promise<void>;
  /** Channel digests and DM nudges to Teams (the Notifier port). */
  notifier: TeamsNotifier;
  sender: ProactiveSender;
}

export interface TeamsOptions {
  /** Retry bounds for proactive sends (tests make waiting instant). */
  proactive?: SenderOptions;
}

export function createTeamsSurface(env: Env, crm: Crm, log: Logger, options: TeamsOptions = {}): TeamsSurface {
  const teamsLog = log.child({ surface: 'teams' });
  const { appId, tenantId } = teamsCredentials(env);
  const adapter = createAdapter(env, teamsLog);
  const sender = new ProactiveSender(adapter, appId, teamsLog, options.proactive);
  const identity = new TeamsIdentity(crm, teamsLog, { currency: env.CRM_CURRENCY, timeZone: env.CRM_TIMEZONE, ...(tenantId && { tenantId }) });
  // One cache of who reads each conversation, shared by turns and deliveries.
  const audience = new AudienceChecker(teamsLog);
  const bot = new CrmBot({ crm, log: teamsLog, identity, sender, audience });
  return {
    path: TEAMS_PATHS.messages,
    appId,
    process: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
    notifier: new TeamsNotifier(crm, sender, teamsLog, audience),
    sender,
  };
}

/** The Notifier for Teams alone (a job worker): proactive sends need no HTTP server. */
export function createTeamsNotifier(env: Env, crm: Crm, log: Logger, options: TeamsOptions = {}): TeamsNotifier {
  const teamsLog = log.child({ surface: 'teams' });
  const { appId } = teamsCredentials(env);
  return new TeamsNotifier(crm, new ProactiveSender(createAdapter(env, teamsLog), appId, teamsLog, options.proactive), teamsLog);
}
