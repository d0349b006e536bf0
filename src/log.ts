/**
 * Structured logs (pino) to standard error, so standard output stays the console's.
 *
 * Secrets never reach a log line, whatever the level and whoever wrote the line (our code, Bolt,
 * Slack's Web API client, Bot Framework at debug level): every serialized line is scrubbed of the
 * configured secret values (SECRET_ENV_NAMES) and of anything shaped like a token, on its way to
 * the output. pino's redact paths stay as a first line for objects logged by our own code.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/** What replaces a secret in a log line. */
export const REDACTED = '[redacted]';

/** Environment variables whose values are secrets: scrubbed from every log line. */
export const SECRET_ENV_NAMES = [
  'SLACK_CLIENT_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_STATE_SECRET',
  'MICROSOFT_APP_PASSWORD',
  'OPENAI_API_KEY',
  'CRM_ENCRYPTION_KEY',
] as const;

/** Values shorter than this are not scrubbed by value (they would blank ordinary words); token patterns still apply. */
export const MIN_SECRET_LENGTH = 6;

/**
 * Shapes of secrets whatever their value: Slack tokens (bot, user, app-level, refresh, rotated),
 * OpenAI-style keys, JWTs (Bot Framework tokens), bearer credentials, `client_secret` fields in a
 * form or JSON body, and the password in a URL. `$1` keeps the name, only the value goes.
 */
const TOKEN_PATTERNS: readonly [RegExp, string][] = [
  [/(?:xoxe\.)?xox[a-z]-[A-Za-z0-9-]+/g, REDACTED],
  [/xapp-[A-Za-z0-9-]+/g, REDACTED],
  [/sk-[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/(client_secret\\?["']?\s*[:=]\s*\\?["']?)[^"'\\&\s,}]+/gi, `$1${REDACTED}`],
  [/(\/\/[^/\s:@"\\]+:)[^@\s"/\\]+@/g, `$1${REDACTED}@`],
];

export interface LoggerOptions {
  /** Where lines go (standard error unless set; tests capture them). */
  destination?: pino.DestinationStream;
  /** The environment the secrets come from (process.env unless set). */
  secretsFrom?: Record<string, string | undefined>;
}

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const scrub = secretScrubber(secretValues(options.secretsFrom ?? process.env));
  const out = options.destination ?? pino.destination(2);
  const destination: pino.DestinationStream & { flush?: () => void; flushSync?: () => void } = {
    write: (line: string) => out.write(scrub(line)),
  };
  const flushable = out as { flush?: () => void; flushSync?: () => void };
  if (flushable.flush) destination.flush = () => flushable.flush!();
  if (flushable.flushSync) destination.flushSync = () => flushable.flushSync!();
  return pino(
    {
      level,
      // Secrets must never reach a log line, whatever object is logged.
      redact: {
        paths: [
          '*.token',
          '*.botToken',
          '*.password',
          '*.secret',
          '*.signingSecret',
          '*.clientSecret',
          '*.client_secret',
          '*.authorization',
          'headers.authorization',
          ...SECRET_ENV_NAMES,
          'DATABASE_URL',
        ],
        censor: REDACTED,
      },
    },
    destination,
  );
}

/** The secret values configured in an environment, as they may be written: plain, JSON-escaped, URL-encoded. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const values = SECRET_ENV_NAMES.map((name) => env[name]?.trim());
  const dbPassword = databasePassword(env.DATABASE_URL);
  if (dbPassword) values.push(dbPassword, safeDecode(dbPassword));
  const forms = new Set<string>();
  for (const value of values) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    forms.add(value);
    forms.add(JSON.stringify(value).slice(1, -1));
    forms.add(encodeURIComponent(value));
    forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  }
  return [...forms];
}

/** A function that blanks the given values and every token pattern in a text. */
export function secretScrubber(values: readonly string[]): (text: string) => string {
  const byLength = [...values].sort((a, b) => b.length - a.length);
  const known = byLength.length ? new RegExp(byLength.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text) => {
    let out = known ? text.replace(known, REDACTED) : text;
    for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}

function databasePassword(url: string | undefined): string | undefined {
  if (!url || url.startsWith('file:')) return undefined;
  try {
    return new URL(url).password || undefined;
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A logger that drops everything: for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
