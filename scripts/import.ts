/**
 * `npm run import -- <file.csv> [more.csv …] [--preset hubspot|pipedrive|generic] [--workspace <id or name>]
 *  [--as <admin email>] [--stage "Demo=qualified" …] [--kind deal|contact|company|activity] [--yes]`
 *
 * Imports CSV files into one workspace (docs/import.md): first a dry run of every file (rows read,
 * records to create, update and skip, each bad row with its line and reason), then, on "y" at a
 * terminal or with --yes, the import of each file in one transaction: companies first, then
 * contacts, deals and activities. Without --yes on a pipe nothing is written. Progress goes to
 * standard error (a bar on a terminal, plain lines on a pipe); failures are one line, exit code 1.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { parseCliArgs, plural, runCli, UsageError } from '../src/data/cli.js';
import { DataError } from '../src/data/errors.js';
import { driverConnector } from '../src/data/import-connection.js';
import { streamProgress } from '../src/data/progress.js';
import { chooseWorkspace } from '../src/data/workspace.js';
import { createCrm, isDomainError, systemClock, type Actor } from '../src/domain/index.js';
import { IMPORT_KINDS, KIND_ORDER, KIND_PLURAL, PRESET_NAMES, PRESETS, type ImportKind, type ImportPlan, type PresetName } from '../src/domain/import/import.service.js';

const USAGE =
  'npm run import -- <file.csv> [more.csv …] [--preset hubspot|pipedrive|generic] [--workspace <id or name>] [--as <admin email>] [--stage "Demo=qualified"] [--kind deal|contact|company|activity] [--yes]';

await runCli('npm run import', USAGE, async () => {
  const { values, positionals } = parseCliArgs(
    process.argv.slice(2),
    {
      preset: { type: 'string', short: 'p' },
      workspace: { type: 'string', short: 'w' },
      as: { type: 'string' },
      stage: { type: 'string', multiple: true },
      kind: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
    },
    true,
  );
  if (positionals.length === 0) throw new UsageError('name the CSV file(s) to import, e.g. npm run import -- deals.csv');
  const preset = values.preset?.toLowerCase();
  if (preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(preset)) throw new UsageError(`--preset is one of ${PRESET_NAMES.join(', ')}`);
  const kind = values.kind?.toLowerCase().replace(/s$/, '').replace(/^compan(y|ie)$/, 'company').replace(/^activitie$/, 'activity');
  if (kind !== undefined && !(IMPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind is one of ${IMPORT_KINDS.join(', ')}`);
  const stageMap: Record<string, string> = {};
  for (const pair of values.stage ?? []) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--stage takes "<stage in the file>=<our stage>", e.g. --stage "Demo=qualified" (got "${pair}")`);
    stageMap[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  for (const file of positionals) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new DataError(`No file ${file}.`);
  }

  const env = loadEnv();
  const handle = await openDatabase(env.DATABASE_URL);
  try {
    const workspace = await chooseWorkspace(handle.db, values.workspace);
    const crm = createCrm(handle.db, systemClock, { importConnector: driverConnector(handle.target) });
    const actor = await importer(crm, workspace.id, values.as);
    const request = (file: string) => ({
      actor,
      fileName: path.basename(file),
      input: () => createReadStream(file),
      preset: preset as PresetName | undefined,
      kind: kind as ImportKind | undefined,
      stageMap,
    });

    // The dry run of every file, then the order they are imported in.
    const plans: { file: string; plan: ImportPlan }[] = [];
    for (const file of positionals) plans.push({ file, plan: await crm.imports.plan(request(file)) });
    plans.sort((a, b) => KIND_ORDER[a.plan.kind] - KIND_ORDER[b.plan.kind]);
    for (const { plan } of plans) console.log(report(plan));
    const good = plans.reduce((n, p) => n + p.plan.create + p.plan.update, 0);
    if (good === 0) return `Nothing to import into workspace "${workspace.name}".`;

    if (!values.yes) {
      if (!process.stdin.isTTY) return `Nothing was written: add --yes to import ${plural(good, 'record')} into workspace "${workspace.name}".`;
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`Import ${plural(good, 'record')} into workspace "${workspace.name}"? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) return 'Nothing was written.';
    }

    const progress = streamProgress(process.stderr, 'imported');
    progress.begin(plans.reduce((n, p) => n + p.plan.rows, 0));
    const done: string[] = [];
    for (const { file, plan } of plans) {
      progress.table(plan.fileName, plan.rows);
      let seen = 0;
      const result = await crm.imports.run({
        ...request(file),
        confirm: plan,
        onProgress: ({ done: n }) => {
          progress.advance(n - seen);
          seen = n;
        },
      });
      done.push(`${result.fileName}: ${counts(result)}`);
    }
    progress.end();
    return `Imported into workspace "${workspace.name}": ${done.join('; ')}.`;
  } catch (err) {
    if (isDomainError(err)) throw new DataError(err.message);
    throw err;
  } finally {
    await handle.close();
  }
});

/** Who imports: the admin with that email, else the workspace's only admin. */
async function importer(crm: ReturnType<typeof createCrm>, workspaceId: string, email: string | undefined): Promise<Actor> {
  const admins = await crm.db.member.findMany({ where: { workspaceId, role: 'admin', deactivated: null }, orderBy: { createdAt: 'asc' } });
  if (email !== undefined) {
    const member = await crm.db.member.findFirst({ where: { workspaceId, email: email.trim().toLowerCase() } });
    if (!member) throw new DataError(`No member of this workspace has the email ${email}.`);
    return crm.identity.actorFor(member);
  }
  if (admins.length === 1) return crm.identity.actorFor(admins[0]!);
  if (admins.length === 0) throw new DataError('This workspace has no admin yet: only admins can import.');
  throw new DataError(`This workspace has ${admins.length} admins: say who imports with --as <email> (${admins.map((a) => a.email ?? a.displayName).join(', ')}).`);
}

function counts(p: ImportPlan): string {
  return `${p.create.toLocaleString('en-US')} created, ${p.update.toLocaleString('en-US')} updated, ${p.skip.toLocaleString('en-US')} skipped, ${p.bad.toLocaleString('en-US')} bad`;
}

function lines(ls: number[], total: number): string {
  return `line${ls.length === 1 ? '' : 's'} ${ls.join(', ')}${total > ls.length ? ', …' : ''}`;
}

/** The dry run of one file, as the person reads it. */
function report(p: ImportPlan): string {
  const out = [
    `${p.fileName} (${KIND_PLURAL[p.kind]}, ${PRESETS[p.preset].label}): ${plural(p.rows, 'row')} read: ${p.create.toLocaleString('en-US')} to create, ${p.update.toLocaleString('en-US')} to update, ${p.skip.toLocaleString('en-US')} to skip (already there), ${p.bad.toLocaleString('en-US')} bad.`,
  ];
  for (const b of p.badRows) out.push(`  line ${b.line}: ${b.reason}`);
  if (p.bad > p.badRows.length) out.push(`  … and ${plural(p.bad - p.badRows.length, 'more bad row')}`);
  for (const s of p.unknownStages) {
    out.push(`  unknown stage “${s.name}” on ${plural(s.rows, 'row')} (${lines(s.lines, s.rows)}): stages of ${s.pipeline} are ${s.choices.join(', ')}; add --stage "${s.name}=<stage>" to map it`);
  }
  for (const w of p.warnings) out.push(`  note: ${w.message} (${plural(w.rows, 'row')}: ${lines(w.lines, w.rows)})`);
  if (p.alsoCreates.companies > 0) out.push(`  also creates ${plural(p.alsoCreates.companies, 'company', 'companies')} named on rows`);
  if (p.columns.fields.length > 0) out.push(`  custom fields: ${p.columns.fields.join(', ')}`);
  if (p.columns.ignored.length > 0) out.push(`  columns left alone: ${p.columns.ignored.join(', ')}`);
  return out.join('\n');
}
