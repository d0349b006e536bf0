/**
 * `/deal import`: how to import records from a CSV file. A command can't carry a file, so the
 * answer says where to send one (a Slack DM with the app, the personal chat in Teams), what comes
 * back (a dry run, then Import / Cancel: src/bot/chat-import.ts), the presets and the words that
 * go with a file, and the CLI for big files. Admins only: anyone else is told who the admins are.
 */
import { PRESET_NAMES } from '../../../domain/import/import.service.js';
import { CHAT_IMPORT_LIMITS } from '../../chat-import.js';
import { defineCommand } from '../command.js';
import type { CommandContext, Reply } from '../reply.js';
import { ok, type ParseOutcome, type ParseState } from '../grammar/state.js';

export interface ImportIntent {
  kind: 'import';
}

const USAGE = '/deal import';

const MB = Math.round(CHAT_IMPORT_LIMITS.maxBytes / (1024 * 1024));

/** Where to send the file, per surface. */
const WHERE: Readonly<Record<CommandContext['surface'], string>> = {
  slack: 'Send me the CSV file in a direct message (the app’s Messages tab): drop it in, or attach it with the + button.',
  teams: 'Attach the CSV file to a message in our personal chat (Teams sends bots files only there).',
  console: 'The console reads no files: run `npm run import -- <file.csv>` on the server instead (it makes the same dry run and asks before it writes).',
};

function importHelp(surface: CommandContext['surface'], prefix: string): string {
  return [
    'Importing records from a CSV file (admins only)',
    WHERE[surface],
    'I answer with a dry run: rows read, records to create, update and skip, and each bad row with its line and why. Nothing is written until you press Import; Cancel drops it. Importing the same file again creates nothing twice.',
    `Files I read without being told: HubSpot’s and Pipedrive’s exports, and our own (\`${prefix} export\`). When needed, say in the message with the file: \`preset ${PRESET_NAMES.join('|')}\`, \`kind deals|contacts|companies|activities\`, or \`stage Demo=Qualified\` to map a stage of the file to one of ours (one per line).`,
    `Several files: companies first, then contacts, then deals, then activities. Files over ${MB} MB: \`npm run import -- <file.csv>\` on the server. The columns each preset reads: docs/import.md.`,
  ].join('\n');
}

export const importCommand = defineCommand<ImportIntent>({
  kind: 'import',
  words: ['import'],
  helpWords: ['upload', 'hubspot', 'pipedrive'],
  group: 'Digests and settings',
  usage: USAGE,
  summary: 'How to import companies, contacts, deals and activities from a CSV file (HubSpot, Pipedrive, our export, any sheet): send it to me, get a dry run, press Import. Admins only.',
  example: '/deal import',
  details: [
    'Slack: send the file in a direct message to the app. Teams: attach it in our personal chat. Console: `npm run import -- <file.csv>`.',
    'A dry run comes first (rows read, to create, update and skip, each bad row by its line); Import writes the good rows in one go, Cancel nothing.',
    'With the file you may say `preset hubspot|pipedrive|generic`, `kind deals|contacts|companies|activities` or `stage <in the file>=<ours>`.',
  ],
  // Whatever follows (`/deal import deals.csv`), the answer is the same: a command carries no file.
  parse: (_state: ParseState): ParseOutcome<ImportIntent> => ok({ kind: 'import' }),
  fits: (state) => (state.tokens.length === 1 ? 2 : 1),
  run: (ctx, _intent, prefix) => runImport(ctx, prefix),
});

async function runImport(ctx: CommandContext, prefix: string): Promise<Reply> {
  // Not an admin: refused with the admins named (the domain's ADMIN_ONLY words).
  await ctx.crm.imports.check(ctx.actor);
  return { kind: 'help', text: importHelp(ctx.surface, prefix) };
}
