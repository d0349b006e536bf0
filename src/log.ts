/** Structured logs (pino) to standard error, so standard output stays the console's. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
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
          '*.authorization',
          'headers.authorization',
          'SLACK_BOT_TOKEN',
          'SLACK_SIGNING_SECRET',
          'SLACK_APP_TOKEN',
          'MICROSOFT_APP_PASSWORD',
          'DATABASE_URL',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything: for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
