/**
 * What the data scripts (scripts/backup.ts, restore.ts, export.ts) share: their arguments read
 * with node:util's parseArgs, a refusal that names what was wrong and the usage, and failures as
 * one line on standard error with exit code 1 (LOG_LEVEL=debug adds the stack).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EnvError } from '../config/env.js';
import { DatabaseUrlError } from '../db/provider.js';
import { DataError } from './errors.js';
import { PlanError } from './plan.js';

/** Wrong arguments: the message is followed by the usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const message = (err as Error).message
      .replace(/^Unknown option '([^']+)'.*$/s, 'unknown option $1')
      .replace(/^Option '([^']+)' argument missing.*$/s, '$1 needs a value')
      .replace(/^Unexpected argument '([^']+)'.*$/s, 'unexpected argument $1');
    throw new UsageError(message);
  }
}

/** Runs a script's body; prints its result line, or its failure as one line (exit code 1). */
export async function runCli(command: string, usage: string, body: () => Promise<string>): Promise<void> {
  try {
    const result = await body();
    if (result) console.log(result);
  } catch (err) {
    if (err instanceof UsageError) console.error(`${command}: ${err.message}.\nUsage: ${usage}`);
    else if (err instanceof EnvError) console.error(err.oneLine());
    else if (err instanceof DataError || err instanceof DatabaseUrlError) console.error(err.message);
    else if (err instanceof PlanError) console.error(`${command} cannot handle this database's schema: ${err.message}.`);
    else console.error(`${command} failed: ${firstLine(err instanceof Error ? err.message : String(err))}`);
    if (process.env.LOG_LEVEL === 'debug') console.error(err);
    process.exitCode = 1;
  }
}

/** Driver messages can span lines: the first non-empty one. */
function firstLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? 'unknown error';
}

export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
