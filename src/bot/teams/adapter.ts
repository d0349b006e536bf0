/**
 * The Bot Framework adapter: a CloudAdapter whose authentication checks every incoming activity's
 * token (issuer, audience = our app id, signature against Bot Framework's published keys,
 * endorsement for the channel, and the service URL claim against the activity's service URL).
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Env } from '../../config/env.js';
import type { Logger } from '../../log.js';
import { asActivity, failureMessage } from './handlers/context.js';

export class TeamsConfigError extends Error {
  override readonly name = 'TeamsConfigError';
}

/**
 * The SDK rejects a missing, expired or mis-addressed token with 401, but a token whose signature
 * does not verify fails inside `jsonwebtoken` with an error the adapter answers with 500. Every
 * failure to authenticate is a 401 here, and nothing behind it runs.
 */
class VerifyingAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof AuthenticationError) throw err;
      throw new AuthenticationError(`Unauthorized: ${err instanceof Error ? err.message : 'invalid token'}`, 401);
    }
  }
}

export interface TeamsCredentials {
  appId: string;
  /** Which tenant a single-tenant bot serves. */
  tenantId?: string;
}

export function teamsCredentials(env: Env): TeamsCredentials {
  const appId = env.MICROSOFT_APP_ID;
  if (!appId) throw new TeamsConfigError('Teams needs MICROSOFT_APP_ID (and MICROSOFT_APP_PASSWORD): see docs/teams.md.');
  if (env.MICROSOFT_APP_TYPE === 'SingleTenant' && !env.MICROSOFT_APP_TENANT_ID) {
    throw new TeamsConfigError('A SingleTenant Teams bot also needs MICROSOFT_APP_TENANT_ID.');
  }
  if (env.MICROSOFT_APP_TYPE === 'UserAssignedMSI' && !env.MICROSOFT_APP_TENANT_ID) {
    throw new TeamsConfigError('A UserAssignedMSI Teams bot also needs MICROSOFT_APP_TENANT_ID.');
  }
  if (env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD) {
    throw new TeamsConfigError('Teams needs MICROSOFT_APP_PASSWORD (the bot registration’s client secret).');
  }
  return { appId, ...(env.MICROSOFT_APP_TYPE === 'SingleTenant' && env.MICROSOFT_APP_TENANT_ID && { tenantId: env.MICROSOFT_APP_TENANT_ID }) };
}

export function createAdapter(env: Env, log: Logger): CloudAdapter {
  const auth = new VerifyingAuthentication({
    MicrosoftAppId: env.MICROSOFT_APP_ID,
    MicrosoftAppPassword: env.MICROSOFT_APP_PASSWORD,
    MicrosoftAppType: env.MICROSOFT_APP_TYPE === 'UserAssignedMSI' ? 'UserAssignedMsi' : env.MICROSOFT_APP_TYPE,
    MicrosoftAppTenantId: env.MICROSOFT_APP_TENANT_ID,
  });
  const adapter = new CloudAdapter(auth);
  // The one place a turn's unexpected failure ends up: logged in full, a short apology to the person.
  adapter.onTurnError = async (context, err) => {
    if (context.activity.type !== 'message') {
      log.error({ err, activityType: context.activity.type }, 'teams turn failed');
      return;
    }
    try {
      // errorReply (behind failureMessage) logs the error in full and words the apology.
      await context.sendActivity(asActivity(failureMessage(err, log)));
    } catch (sendErr) {
      log.warn({ err: sendErr }, 'could not tell the person about a failed turn');
    }
  };
  return adapter;
}
