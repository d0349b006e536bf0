/**
 * The environment, parsed once with zod. Every setting is documented in README.md
 * ("Configuration"); secrets are read here and nowhere else, and never logged.
 */
import { z } from 'zod';
import { databaseUrlProblem } from '../db/provider.js';
import { isKnownCurrency } from '../domain/shared/money.js';

/** Where Slack's Web API lives (SLACK_API_URL changes it for a local stub). */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');

export const envSchema = z.object({
  /** `file:<path>` (SQLite) or `postgresql://…`; anything else is refused, never taken for a file name. */
  DATABASE_URL: z
    .string()
    .trim()
    .default('file:./data/crm.db')
    .superRefine((url, ctx) => {
      const problem = url === '' ? 'is empty: leave it unset for file:./data/crm.db' : databaseUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CRM_TIMEZONE: timeZone.default(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
  CRM_CURRENCY: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isKnownCurrency, 'must be an ISO 4217 currency code such as USD, EUR or GBP')
    .default('USD'),
  CRM_DEMO_DATA: z.enum(['auto', 'always', 'never']).default('auto'),
  CRM_CONSOLE_USER: z
    .string()
    .trim()
    .regex(/^[a-z0-9._-]{1,40}$/i, 'letters, digits, dot, dash or underscore')
    .optional(),
  /** Any non-empty value turns the console's colours off (https://no-color.org); a pipe never gets them. */
  NO_COLOR: z
    .string()
    .optional()
    .transform((v) => v !== undefined && v !== ''),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** `npm start` also runs the scheduler (digests, nudges); `off` for bot replicas when `npm run jobs` runs elsewhere. */
  CRM_SCHEDULER: z.enum(['on', 'off']).default('on'),
  /** Digests and nudges built and sent at once (each conversation still gets at most one message a second). */
  CRM_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** How long a run holds a digest or nudge before another run may take it over (a crashed run's). */
  CRM_DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Slack requests worked on at once in one process (the rest wait, acknowledged, in order). */
  CRM_WORK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Acknowledged Slack requests one process holds; past it new ones get a "busy, try again" answer at once. */
  CRM_MAX_BACKLOG: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Heap (MB) past which new Slack requests get the "busy" answer instead of growing memory. */
  CRM_MAX_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(1024),
  /** How long a pending Slack request stays with the process that took it before another process finishes it. */
  CRM_INBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Encrypts tokens stored in the database (Slack OAuth installs): 32 bytes as hex or base64. */
  CRM_ENCRYPTION_KEY: optionalSecret,
  // Slack: single workspace (bot token + signing secret), Socket Mode (app-level token + bot
  // token, no signing secret) or OAuth distribution (client id, secret, state secret + signing secret).
  SLACK_BOT_TOKEN: optionalSecret,
  SLACK_SIGNING_SECRET: optionalSecret,
  SLACK_APP_TOKEN: optionalSecret,
  SLACK_CLIENT_ID: optionalSecret,
  SLACK_CLIENT_SECRET: optionalSecret,
  SLACK_STATE_SECRET: optionalSecret,
  /** Slack's Web API base URL; only a local stub (tests, offline demos) changes it. */
  SLACK_API_URL: z
    .string()
    .trim()
    .url('must be a URL such as https://slack.com/api/')
    .transform((v) => (v.endsWith('/') ? v : `${v}/`))
    .default(DEFAULT_SLACK_API_URL),
  // Teams (Bot Framework).
  MICROSOFT_APP_ID: optionalSecret,
  MICROSOFT_APP_PASSWORD: optionalSecret,
  MICROSOFT_APP_TENANT_ID: optionalSecret,
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  // The LLM helper: any OpenAI-compatible server. Without a key it answers offline (templates).
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: z
    .string()
    .trim()
    .url('must be a URL such as http://localhost:11434/v1')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Upper bound on the tokens one helper request may spend (prompt + answer). */
  OPENAI_TOKEN_BUDGET: z.coerce.number().int().min(500).max(200_000).default(6000),
});

export type Env = z.infer<typeof envSchema>;

/** Where every setting is described; refusals point there. */
export const CONFIGURATION_DOCS = 'README.md, "Configuration"';

/** A setting the process cannot start with. `problems`: one `VARIABLE: what is wrong` per bad variable. */
export class EnvError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }

  /** The refusal on one line (scripts such as `npm run seed`). */
  oneLine(): string {
    return this.problems.length > 0
      ? `Invalid configuration: ${this.problems.join('; ')} (see ${CONFIGURATION_DOCS}).`
      : this.message.replace(/\s*\n\s*/g, ' ');
  }
}

/** Parses the environment; throws EnvError with one line per bad variable (values never shown). */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const lines = problems.map((p) => `  ${p}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}\nSee ${CONFIGURATION_DOCS}.`, problems);
  }
  return result.data;
}

/** Socket Mode: the app-level token and the bot token; Slack's requests arrive over a WebSocket, so no signing secret. */
export const slackSocketMode = (env: Env) => Boolean(env.SLACK_APP_TOKEN && env.SLACK_BOT_TOKEN);
export const slackSingleWorkspace = (env: Env) => Boolean(env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET);
export const slackOAuth = (env: Env) =>
  Boolean(env.SLACK_CLIENT_ID && env.SLACK_CLIENT_SECRET && env.SLACK_SIGNING_SECRET);
export const slackConfigured = (env: Env) => slackSocketMode(env) || slackSingleWorkspace(env) || slackOAuth(env);
/**
 * What is missing when Slack is only half configured (so `npm start` opens the console instead
 * of serving Slack), in one line; undefined when nothing Slack-related is set or Slack is configured.
 */
export function slackMissing(env: Env): string | undefined {
  if (slackConfigured(env)) return undefined;
  if (env.SLACK_APP_TOKEN) return 'SLACK_APP_TOKEN is set but not SLACK_BOT_TOKEN: Socket Mode needs both.';
  if (env.SLACK_BOT_TOKEN) {
    return 'SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode).';
  }
  if (env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET) {
    return 'Slack OAuth needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (and SLACK_STATE_SECRET, CRM_ENCRYPTION_KEY).';
  }
  return undefined;
}
/** Teams needs an app id and its secret, except with a managed identity (no secret). */
export const teamsConfigured = (env: Env) =>
  Boolean(env.MICROSOFT_APP_ID && (env.MICROSOFT_APP_PASSWORD || env.MICROSOFT_APP_TYPE === 'UserAssignedMSI'));
