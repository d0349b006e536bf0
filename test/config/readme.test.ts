/**
 * The README holds to the code: its command table to the command registry (USAGE in
 * src/bot/commands/parse.ts, the same lines help shows), and its configuration table to every
 * environment variable the code reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env.js';
import { commandHelp } from '../../src/bot/commands/help.js';
import type { IntentKind } from '../../src/bot/commands/intent.js';
import { parseCommand, USAGE } from '../../src/bot/commands/parse.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The lines of the README section under `## <title>`, up to the next `## `. */
function section(title: string): string[] {
  const lines = README.split('\n');
  const start = lines.indexOf(`## ${title}`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** A markdown table row's cells, split on unescaped `|`, with `\|` read as `|`. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** The `code spans` of a cell. */
const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');

/** The body rows of the first table in a section (header and separator skipped). */
function tableRows(lines: string[]): string[][] {
  const table = lines.filter((l) => l.startsWith('|'));
  return table.slice(2).map(cells);
}

/** Each usage form of each command: `summary` has two (`… | /deal summary contact …`). */
const USAGE_FORMS: { kind: IntentKind; form: string }[] = (Object.entries(USAGE) as [IntentKind, string][]).flatMap(([kind, usage]) =>
  usage.split(/ \| (?=\/deal )/).map((form) => ({ kind, form })),
);

const PARSE_CONTEXT = { now: new Date('2026-12-02T10:00:00Z'), timeZone: 'UTC', defaultCurrency: 'USD' };

describe('the README command table', () => {
  const rows = tableRows(section('Commands'));

  it('has three cells in every row (command, what it does, example)', () => {
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row, row[0]).toHaveLength(3);
  });

  it('shows every usage line of the command registry, as help shows it', () => {
    const shown = rows.flatMap((r) => codeSpans(r[0] ?? ''));
    for (const { form } of USAGE_FORMS) expect(shown, form).toContain(form);
    // help.ts is built from the same lines.
    for (const c of commandHelp()) expect(c.usage).toBe(USAGE[c.name]);
  });

  it('lists only known commands, each row with an example that runs as that command', () => {
    for (const [command = '', , example = ''] of rows) {
      const forms = codeSpans(command);
      expect(forms.length, command).toBeGreaterThan(0);
      const kinds = new Set<IntentKind>();
      for (const form of forms) {
        const known = USAGE_FORMS.find((u) => u.form === form);
        expect(known, `"${form}" is a usage line of the registry (USAGE in parse.ts)`).toBeDefined();
        if (known) kinds.add(known.kind);
      }
      const examples = codeSpans(example);
      expect(examples.length, command).toBeGreaterThan(0);
      for (const text of examples) {
        const parsed = parseCommand(text, PARSE_CONTEXT);
        expect(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.error.message}`).toBe(true);
        if (parsed.ok) expect([...kinds], text).toContain(parsed.intent.kind);
      }
    }
  });

  it('has one row per command (none twice, none missing)', () => {
    const kinds = rows.map(([command = '']) => USAGE_FORMS.find((u) => u.form === codeSpans(command)[0])?.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(new Set(kinds)).toEqual(new Set(Object.keys(USAGE)));
  });
});

/** Every file under `dir` ending in .ts or .mjs. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name) && !e.parentPath.includes(`${path.sep}generated`))
    .map((e) => path.join(e.parentPath, e.name));
}

/** The environment variables code reads directly: `process.env.NAME` or `process.env['NAME']`. */
function readVariables(dirs: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of dirs.flatMap(sources)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) names.add((m[1] ?? m[2])!);
  }
  return names;
}

describe('the README configuration table', () => {
  const documented = new Set(tableRows(section('Configuration')).flatMap(([name = '']) => codeSpans(name)));

  it('documents every variable the app and its scripts read (the parsed settings and process.env alike)', () => {
    const read = new Set([...Object.keys(envSchema.shape), ...readVariables(['src', 'scripts'])]);
    expect(read).toContain('NO_COLOR');
    for (const name of read) expect(documented, `${name} is in README.md, "Configuration"`).toContain(name);
  });

  it('documents no variable that nothing reads', () => {
    const read = new Set([...Object.keys(envSchema.shape), ...readVariables(['src', 'scripts', 'test'])]);
    for (const name of documented) expect(read, `${name} is read by the code`).toContain(name);
  });
});
