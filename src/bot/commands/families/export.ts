/**
 * `/deal export [deals|contacts|companies|activities|all]`: the workspace's records as CSV files
 * (the ones `npm run export` writes), sent to the person who asked: in Slack to a direct message,
 * in Teams through a file consent card in the personal chat, in the console into a folder
 * (`export/` unless one is given: `/deal export deals to ~/crm`). Admins and members may export;
 * read-only members and guest accounts may not (the domain refuses them: exports/export.service.ts).
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXPORT_KINDS, exportFiles, type ExportResult, type ExportWhat } from '../../../domain/exports/export.service.js';
import { plural } from '../../format.js';
import { defineCommand } from '../command.js';
import type { ExportRequest } from '../export-port.js';
import type { CommandContext, Reply } from '../reply.js';
import { fail, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip, rawText, word } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';

export interface ExportIntent {
  kind: 'export';
  what: ExportWhat;
  /** The console's folder, as typed (`to <folder>`, or a path). */
  folder?: string;
}

const USAGE = '/deal export [deals|contacts|companies|activities|all]';

/** Where the console writes when no folder is given (relative to where it runs). */
export const CONSOLE_EXPORT_DIR = 'export';

/** The words of each choice (a singular works too). */
const WHAT_WORDS: Readonly<Record<string, ExportWhat>> = {
  deals: 'deals',
  deal: 'deals',
  contacts: 'contacts',
  contact: 'contacts',
  companies: 'companies',
  company: 'companies',
  activities: 'activities',
  activity: 'activities',
  all: 'all',
  everything: 'all',
};
const CHOICES = [...EXPORT_KINDS, 'all'];
const FOLDER_WORDS = new Set(['to', 'into', 'in']);

/** A word that can only be a folder: `./out`, `~/crm`, `/tmp/x`, `C:\x`. */
const looksLikePath = (text: string) => /[/\\]/.test(text) || /^[.~]/.test(text);

function parseExport(state: ParseState): ParseOutcome<ExportIntent> {
  const { tokens, s } = state;
  let i = 1;
  let what: ExportWhat = 'all';
  const first = word(tokens[i]);
  if (first !== undefined && WHAT_WORDS[first]) {
    what = WHAT_WORDS[first];
    i++;
  }
  if (i >= tokens.length) return ok({ kind: 'export', what });
  const next = word(tokens[i]);
  const folderFrom = next !== undefined && FOLDER_WORDS.has(next) ? i + 1 : looksLikePath(tokens[i]?.text ?? '') || tokens[i]?.quoted ? i : -1;
  if (folderFrom === -1) {
    const typed = tokens[i]?.text ?? '';
    return fail(`I can export ${CHOICES.join(', ')}, not “${clip(typed, 40)}”.${didYouMean(typed.toLowerCase(), CHOICES)}`, USAGE);
  }
  const folder = rawText(s, tokens, folderFrom, tokens.length);
  if (folder === '') return fail('Say which folder after “to”, e.g. `/deal export deals to ./crm-export` (in the console).', USAGE);
  return ok({ kind: 'export', what, folder: clip(folder, 500) });
}

export const exportCommand = defineCommand<ExportIntent>({
  kind: 'export',
  words: ['export'],
  helpWords: ['csv', 'download', 'backup'],
  group: 'Digests and settings',
  usage: USAGE,
  summary: 'The workspace’s records as CSV files (deals, contacts, companies, activities), sent to you: a direct message in Slack, a file to accept in Teams, a folder in the console.',
  example: '/deal export deals',
  details: [
    'Without a word it sends all four files: deals.csv, contacts.csv, companies.csv and activities.csv, the same files `npm run export` writes, which the CSV import reads back.',
    'Admins and members can export; read-only members and guest accounts cannot (`/deal admins` lists the admins).',
    'Slack: the files come in a direct message from the app. Teams: in our personal chat, each as a file to accept (it is saved to your OneDrive). Console: into `export/`, or a folder you give: `/deal export deals to ~/crm`.',
  ],
  parse: parseExport,
  fits(state) {
    const next = word(state.tokens[1]);
    return state.tokens.length === 1 || (next !== undefined && WHAT_WORDS[next] !== undefined) ? 2 : 0;
  },
  run: (ctx, intent, prefix) => runExport(ctx, intent, prefix),
});

async function runExport(ctx: CommandContext, intent: ExportIntent, prefix: string): Promise<Reply> {
  // Refused before anything is prepared (read-only, a guest account): the answer names the admins.
  await ctx.crm.exports.check(ctx.actor);
  const request: ExportRequest = {
    what: intent.what,
    files: exportFiles(intent.what),
    writeTo: (dir) => ctx.crm.exports.toFolder(ctx.actor, intent.what, dir),
  };
  if (intent.folder !== undefined && ctx.surface !== 'console') {
    return {
      kind: 'error',
      message: 'A folder only works in the console: here the files come to you in a message, so nothing was exported.',
      hint: `${prefix} export ${intent.what}`,
    };
  }
  if (ctx.exports) {
    const sent = await ctx.exports.send(request);
    return sent.ok ? { kind: 'help', text: sent.message } : { kind: 'error', message: sent.message, ...(sent.hint && { hint: sent.hint }) };
  }
  if (ctx.surface !== 'console') return { kind: 'error', message: 'Exports can’t be sent from here, so nothing was exported.' };
  const dir = expandHome(intent.folder ?? CONSOLE_EXPORT_DIR);
  await mkdir(dir, { recursive: true });
  const result = await request.writeTo(dir);
  return { kind: 'help', text: [`Exported ${result.workspace} to ${result.dir}:`, ...result.files.map((f) => `  ${f.path} (${plural(f.rows, 'row')})`)].join('\n') };
}

function expandHome(folder: string): string {
  const home = folder === '~' || folder.startsWith('~/') ? path.join(os.homedir(), folder.slice(1)) : folder;
  return path.resolve(home);
}

/** "deals.csv (12 rows), contacts.csv (3 rows)": the files of an export, for a message. */
export function exportedFilesText(result: Pick<ExportResult, 'files'>): string {
  return result.files.map((f) => `${f.name} (${plural(f.rows, 'row')})`).join(', ');
}

/** What an export is called in a message: "your CRM export (deals)", "your CRM export". */
export function exportLabel(what: ExportWhat): string {
  return what === 'all' ? 'your CRM export' : `your CRM export (${what})`;
}
