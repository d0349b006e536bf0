/**
 * Start-up checks for the Slack surface: one `auth.test` with the bot token before anything is
 * served, bounded in time and never retried, so a wrong or revoked token or an unreachable Slack
 * stops `npm start` with one line (`Slack: auth.test failed: invalid_auth`) instead of a server
 * that logs `fetch failed` for the next half hour. Its answer names the workspace the token
 * belongs to (`team_id`): the surface's home team.
 */
import { z } from 'zod';

/** How long start-up waits for Slack's answer to auth.test, and for Socket Mode to connect. */
export const SLACK_STARTUP_TIMEOUT_MS = 10_000;

/** What auth.test says about the bot token. */
export interface SlackAuth {
  /** The workspace the token was issued in: the home team (people from other teams are outsiders). */
  teamId: string;
  botUserId?: string;
  botId?: string;
}

/** A start-up failure whose message is the one line to print (no stack trace). */
export class SlackStartError extends Error {
  override readonly name = 'SlackStartError';
}

const authTestAnswer = z.object({
  ok: z.boolean(),
  error: z.string().optional(),
  team_id: z.string().min(1).optional(),
  user_id: z.string().optional(),
  bot_id: z.string().optional(),
});

/** auth.test errors that mean the token itself is wrong: the line names the setting to check. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'team_disabled']);
const TOKEN_HINT = 'check SLACK_BOT_TOKEN: the Bot User OAuth Token, xoxb-…, on the app\'s "OAuth & Permissions" page';

/** Calls auth.test once; resolves with the token's team, or rejects with a one-line SlackStartError. */
export async function verifySlackBotToken(
  token: string,
  opts: { slackApiUrl: string; timeoutMs?: number },
): Promise<SlackAuth> {
  const timeoutMs = opts.timeoutMs ?? SLACK_STARTUP_TIMEOUT_MS;
  const fail = (why: string) => new SlackStartError(`Slack: auth.test failed: ${why}`);
  let res: Response;
  try {
    res = await fetch(new URL('auth.test', opts.slackApiUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw fail(`no answer from ${opts.slackApiUrl} within ${timeoutMs / 1000} s`);
    }
    throw fail(`cannot reach ${opts.slackApiUrl} (${networkCause(err)})`);
  }
  if (!res.ok) throw fail(`${opts.slackApiUrl} answered HTTP ${res.status}`);
  let parsed: z.infer<typeof authTestAnswer>;
  try {
    parsed = authTestAnswer.parse(await res.json());
  } catch {
    throw fail(`unexpected answer from ${opts.slackApiUrl} (not Slack's JSON)`);
  }
  if (!parsed.ok) {
    const code = parsed.error ?? 'unknown_error';
    throw fail(TOKEN_ERRORS.has(code) ? `${code} (${TOKEN_HINT})` : code);
  }
  if (!parsed.team_id) throw fail('the answer has no team_id');
  return { teamId: parsed.team_id, botUserId: parsed.user_id, botId: parsed.bot_id };
}

/** The short reason under fetch's "fetch failed": ECONNREFUSED, ENOTFOUND, a TLS error code… */
function networkCause(err: unknown): string {
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur instanceof Error; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Resolves with `work`, or rejects with a SlackStartError naming `what` once `timeoutMs` has passed. */
export async function withinStartup<T>(work: Promise<T>, what: string, timeoutMs = SLACK_STARTUP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SlackStartError(`Slack: ${what}: no connection within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
