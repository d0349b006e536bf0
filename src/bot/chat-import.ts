/**
 * Importing a CSV file sent in chat (docs/import.md, "From chat"): what Slack and Teams share.
 *
 * 1. An admin sends the file to the bot (a Slack DM, a Teams personal chat). The surface checks who
 *    may import (`crm.imports.check`: a refusal names the admins, and nothing is downloaded), that
 *    the file is a CSV within CHAT_IMPORT_LIMITS.maxBytes, downloads it, and `dryRun` answers the
 *    report with a `PendingImport`: what the Import and Cancel buttons carry (the file's id or
 *    address, the dry run's digests, the preset, kind and stage map, who, when). Nothing is kept in
 *    memory between the report and the click: a restart, or another replica, loses nothing.
 * 2. Import: `begin` guards the dry run with one inbox key (`import:<workspace>:<pending id>`):
 *    the first click claims it, any later one (a double click, a retry, a second replica) finds it
 *    taken and is told so: "already imported", "being imported", "cancelled". `run` downloads the
 *    file again, imports it confirming the dry run's digests (a changed file or changed records:
 *    CONFLICT, nothing written, the refusal in words), shows progress on one message at most every
 *    CHAT_IMPORT_LIMITS.progressEveryMs, then the final report. A download that failed, or anything
 *    that wrote nothing and may work later, lets go of the key: the buttons come back.
 * 3. Cancel claims the same key and records "cancelled".
 *
 * The report's words are made here (`importReport`), each surface renders them (Block Kit,
 * Adaptive Cards); a file's cells quoted in reasons are the person's data: surfaces escape them.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainErrorCode, isDomainError, type Actor, type Crm } from '../domain/index.js';
import { IMPORT_KINDS, KIND_PLURAL, PRESET_NAMES, PRESETS, type ImportKind, type ImportPlan, type PresetName } from '../domain/import/import.service.js';
import type { Logger } from '../log.js';
import { plural } from './format.js';
import { errorReply } from './messages.js';

export const CHAT_IMPORT_LIMITS = {
  /** The largest file read in chat; bigger ones go through `npm run import` on the server. */
  maxBytes: 20 * 1024 * 1024,
  /** Files of one message read (each gets its own report). */
  filesPerMessage: 5,
  /** Bad rows a report lists one by one; the rest are counted. */
  badRowsShown: 10,
  /** Notes (warnings) a report lists. */
  notesShown: 5,
  /** Stage mappings one message may give (they travel in the button: Slack's value holds 2,000 characters). */
  stageMappings: 10,
  /** A stage name in a mapping, at most. */
  stageName: 60,
  /** All of a file's stage mappings as the buttons carry them (JSON), at most. */
  stageMapChars: 1200,
  /** A file's name as the buttons keep it. */
  fileName: 120,
  /** The progress message is edited at most this often. */
  progressEveryMs: 3_000,
  /** A dry run older than this is not imported from: the file is sent again for a fresh one. */
  reportTtlMs: 24 * 60 * 60_000,
  /** One download, at most. */
  downloadTimeoutMs: 60_000,
  /** Dry runs and imports running at once in this process (each holds its file in memory). */
  running: 2,
  /**
   * Files kept in memory between a dry run and its Import, where the platform's address for a
   * file is short-lived (Teams): at most this many bytes in all, each for at most `keptMs`. A
   * restart loses them: the address is tried then, and when it has expired the file is asked for again.
   */
  keptBytes: 2 * 20 * 1024 * 1024,
  keptMs: 60 * 60_000,
} as const;

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

export const CHAT_IMPORT_TEXT = {
  reading: (name: string) => `Reading ${name}… This is a dry run: nothing is written until you press Import.`,
  notCsv: (name: string) =>
    `${name} isn’t a CSV file, so I didn’t read it. I import .csv files: HubSpot’s and Pipedrive’s exports, our own export, or any sheet saved as CSV.`,
  tooBig: (name: string, bytes: number) =>
    `${name} is ${mb(bytes)}, more than I read in chat (${mb(CHAT_IMPORT_LIMITS.maxBytes)}), so I didn’t read it. Split it into smaller files, or import it with \`npm run import -- ${name}\` on the server (docs/import.md).`,
  tooMany: (left: number) =>
    `I read ${CHAT_IMPORT_LIMITS.filesPerMessage} files per message, so I left ${plural(left, 'file')} alone: send ${left === 1 ? 'it' : 'them'} in another message.`,
  notRead: (name: string, why: string) => `I couldn’t read ${name}: ${why}`,
  downloadFailed: (name: string, why: string) => `I couldn’t download ${name} (${why}), so nothing was read. Please send it again in a minute.`,
  importing: (name: string) => `Importing ${name}…`,
  progress: (name: string, done: number, total: number | undefined) =>
    `Importing ${name}… ${done.toLocaleString('en-US')}${total !== undefined ? ` of ${total.toLocaleString('en-US')}` : ''} rows read.`,
  confirmed: 'Import confirmed: it runs below.',
  cancelled: (name: string) => `Cancelled: nothing was imported from ${name}.`,
  alreadyImported: (name: string) => `Already imported: ${name} was imported from this dry run when Import was first pressed, so nothing was imported again.`,
  alreadyCancelled: (name: string) => `This import of ${name} was cancelled, so nothing was imported. Send the file again for a new dry run.`,
  alreadyRunning: (name: string) => `${name} is being imported right now: the message below says how far it is.`,
  alreadyDecided: (name: string) => `This dry run of ${name} was already answered, so nothing more was done. Send the file again for a new dry run.`,
  tooOld: (name: string) => `This dry run of ${name} is more than a day old, so I won’t import from it: send the file again for a fresh one.`,
  notYours: 'This dry run is someone else’s: only the person who sent the file can import it.',
  nothingToImport: 'Nothing to import: every good row is already there.',
  failed: (name: string, why: string) => `Nothing was imported from ${name}: ${why}`,
  tryAgain: 'The buttons are back: press Import to try again.',
  stale: 'That button is from a dry run this version can’t read. Send the file again for a new one.',
} as const;

/**
 * Why a download failed, in words; `retry` when trying again later may work; `sentence` when the
 * words are a whole sentence to show as they are (a file too big), not a reason to put in one.
 */
export class DownloadError extends Error {
  constructor(
    readonly words: string,
    readonly retry = true,
    readonly sentence = false,
  ) {
    super(words);
  }
}

/** What a person is told when a file could not be downloaded for its dry run. */
export const downloadFailure = (name: string, err: DownloadError) => (err.sentence ? err.words : CHAT_IMPORT_TEXT.downloadFailed(name, err.words));

// -------------------------------------------------------------------------------------------
// The file a person sent

/** A CSV by its name, its MIME type or Slack's file type. */
export function isCsvFile(file: { name: string; mimetype?: string; filetype?: string }): boolean {
  return /\.csv$/i.test(file.name) || /^(text\/csv|application\/csv)$/i.test(file.mimetype ?? '') || (file.filetype ?? '').toLowerCase() === 'csv';
}

/** Why a file is not read (not a CSV, too big), or undefined. */
export function fileRefusal(file: { name: string; size?: number; mimetype?: string; filetype?: string }): string | undefined {
  if (!isCsvFile(file)) return CHAT_IMPORT_TEXT.notCsv(file.name);
  if (file.size !== undefined && file.size > CHAT_IMPORT_LIMITS.maxBytes) return CHAT_IMPORT_TEXT.tooBig(file.name, file.size);
  return undefined;
}

/**
 * GETs a file, refusing one larger than the cap as it arrives. `headers` carry a token when the
 * platform wants one (Slack); the caller checks the address is the platform's before giving one.
 */
export async function downloadFile(url: string, name: string, headers: Record<string, string> = {}): Promise<Buffer> {
  if (!/^https:\/\//i.test(url)) throw new DownloadError('its address is not https', false);
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(CHAT_IMPORT_LIMITS.downloadTimeoutMs) });
  } catch (err) {
    throw new DownloadError(`the connection failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) {
    await res.arrayBuffer().catch(() => undefined);
    const gone = res.status === 401 || res.status === 403 || res.status === 404 || res.status === 410;
    throw new DownloadError(gone ? `the link to it no longer works (HTTP ${res.status})` : `HTTP ${res.status}`, !gone);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > CHAT_IMPORT_LIMITS.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new DownloadError(CHAT_IMPORT_TEXT.tooBig(name, declared), false, true);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > CHAT_IMPORT_LIMITS.maxBytes) {
        await res.body.cancel().catch(() => undefined);
        throw new DownloadError(CHAT_IMPORT_TEXT.tooBig(name, size), false, true);
      }
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

// -------------------------------------------------------------------------------------------
// What a person may say with the file: `preset hubspot`, `kind deals`, `stage Demo=Qualified`

export interface ImportOptions {
  preset?: PresetName;
  kind?: ImportKind;
  stageMap?: Record<string, string>;
}

const KIND_WORDS: Readonly<Record<string, ImportKind>> = {
  deal: 'deal',
  deals: 'deal',
  contact: 'contact',
  contacts: 'contact',
  people: 'contact',
  company: 'company',
  companies: 'company',
  organization: 'company',
  organizations: 'company',
  activity: 'activity',
  activities: 'activity',
};

const STAGE_EXAMPLE = '`stage Demo=Qualified` (the stage in the file, then ours)';

/**
 * Reads the words sent with a file. Anything else in the message is left alone ("here's our
 * HubSpot export"); a `stage`, `preset` or `kind` that can't be read is said back.
 */
export function readImportOptions(text: string | undefined): { ok: true; options: ImportOptions } | { ok: false; message: string } {
  const s = (text ?? '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/[“”„]/g, '"')
    .replace(/[‘’]/g, "'");
  const options: ImportOptions = {};
  const preset = /(?:^|[\s,;])-{0,2}preset(?:\s+|=)["']?([\w-]+)/i.exec(s);
  if (preset) {
    const name = preset[1]!.toLowerCase();
    if (!(PRESET_NAMES as readonly string[]).includes(name)) return { ok: false, message: `I know the presets ${PRESET_NAMES.join(', ')}, not “${name}”.` };
    options.preset = name as PresetName;
  }
  const kind = /(?:^|[\s,;])-{0,2}kind(?:\s+|=)["']?([\w-]+)/i.exec(s);
  if (kind) {
    const word = KIND_WORDS[kind[1]!.toLowerCase()];
    if (!word) return { ok: false, message: `A file holds deals, contacts, companies or activities, not “${kind[1]}”.` };
    options.kind = word;
  }
  const stageMap: Record<string, string> = {};
  const said = [...s.matchAll(/(?:^|[\s,;])-{0,2}stage(?:\s+|=)([^\n,;]*)/gi)];
  for (const m of said) {
    const pair = m[1]!.trim().replace(/^"(.*)"$/, '$1');
    const at = pair.lastIndexOf('=');
    const from = unquote(pair.slice(0, Math.max(at, 0)));
    const to = unquote(pair.slice(at + 1));
    if (at <= 0 || !from || !to) return { ok: false, message: `I couldn’t read “stage ${pair}”: say ${STAGE_EXAMPLE}, one per line.` };
    if (from.length > CHAT_IMPORT_LIMITS.stageName || to.length > CHAT_IMPORT_LIMITS.stageName) {
      return { ok: false, message: `A stage name in a mapping is ${CHAT_IMPORT_LIMITS.stageName} characters at most.` };
    }
    stageMap[from] = to;
  }
  if (Object.keys(stageMap).length > CHAT_IMPORT_LIMITS.stageMappings || JSON.stringify(stageMap).length > CHAT_IMPORT_LIMITS.stageMapChars) {
    return {
      ok: false,
      message: `I take ${CHAT_IMPORT_LIMITS.stageMappings} short stage mappings per file at most: rename the other stages in the file, or use \`npm run import\` with --stage.`,
    };
  }
  if (Object.keys(stageMap).length > 0) options.stageMap = stageMap;
  return { ok: true, options };
}

const unquote = (t: string) => t.trim().replace(/^["'](.*)["']$/, '$1').trim();

// -------------------------------------------------------------------------------------------
// What the buttons carry

const digest = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0);

export const pendingImportSchema = z.object({
  v: z.literal(1),
  /** This dry run's id: the inbox key that lets it be imported once. */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,32}$/),
  /** The file's name (reports say it). */
  name: z.string().min(1).max(CHAT_IMPORT_LIMITS.fileName),
  /** Where the file is read again: Slack's file id, Teams' download address. */
  src: z.string().min(1).max(4000),
  fd: digest,
  pd: digest,
  p: z.enum(PRESET_NAMES),
  k: z.enum(IMPORT_KINDS),
  s: z.record(z.string().max(CHAT_IMPORT_LIMITS.stageName), z.string().max(CHAT_IMPORT_LIMITS.stageName)).optional(),
  /** Who ran the dry run (a member id). */
  by: z.string().min(1).max(64),
  /** When (ms since the epoch). */
  at: z.number().int().positive(),
  /** Rows read, to create, update, skip, bad. */
  n: z.tuple([count, count, count, count, count]),
});
export type PendingImport = z.infer<typeof pendingImportSchema>;

export function encodePending(p: PendingImport): string {
  return JSON.stringify(p);
}

/** The pending import a button carries, or undefined when it is not one we made. */
export function decodePending(value: unknown): PendingImport | undefined {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const parsed = pendingImportSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** The inbox key that lets one dry run be imported (or cancelled) once. */
export const importKey = (workspaceId: string, id: string) => `import:${workspaceId}:${id}`;

// -------------------------------------------------------------------------------------------
// The report, in words

export interface ImportReportView {
  /** "hubspot-deals.csv: deals, HubSpot export" */
  heading: string;
  /** "9 rows read: 3 to create, 0 to update, 0 to skip (already there), 6 bad." */
  counts: string;
  /** The report in one line (a notification's text): the heading and counts of a dry run; an import's counts. */
  summary: string;
  /** The title above the bad rows ("Bad rows (left out):"), with `bad`. */
  badTitle: string;
  /** "line 4: bad amount: ‘12x’ is not an amount" (the file's cells: escape them). */
  bad: string[];
  /** Bad rows not listed (the report lists CHAT_IMPORT_LIMITS.badRowsShown): "…and 40 more bad rows". */
  moreBad: number;
  /** Each unknown stage, the rows naming it, our stages, and what to do. */
  stages: string[];
  /** Warnings, companies also made, custom fields read, columns left alone. */
  notes: string[];
  /** Whether an import would write anything. */
  canImport: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');
/** "1 row", "12,500 rows". */
const counted = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

function lines(ls: number[], total: number): string {
  return `line${ls.length === 1 ? '' : 's'} ${ls.join(', ')}${total > ls.length ? ', …' : ''}`;
}

/** A dry run (`dry`) or an import's result (`done`) as the person reads it. */
export function importReport(plan: ImportPlan, mode: 'dry' | 'done', prefix: string): ImportReportView {
  const heading = `${plan.fileName}: ${KIND_PLURAL[plan.kind]}, ${PRESETS[plan.preset].label}`;
  const counts =
    mode === 'dry'
      ? `${counted(plan.rows, 'row')} read: ${n(plan.create)} to create, ${n(plan.update)} to update, ${n(plan.skip)} to skip (already there), ${n(plan.bad)} bad.`
      : `Imported ${plan.fileName}: ${n(plan.create)} created, ${n(plan.update)} updated, ${n(plan.skip)} skipped (already there), ${counted(plan.bad, 'bad row')} left out.`;
  const shown = plan.badRows.slice(0, CHAT_IMPORT_LIMITS.badRowsShown);
  const bad = shown.map((b) => `line ${b.line}: ${b.reason}`);
  const more = plan.bad - shown.length;
  // Stage names go inside `code` below: a backtick of theirs would end it early.
  const tick = (t: string) => t.replaceAll('`', "'");
  const stages = plan.unknownStages.map((s) => {
    const name = tick(s.name);
    const example = tick(s.choices.find((c) => !/^(won|lost)$/i.test(c)) ?? s.choices[0] ?? 'Qualified');
    return (
      `Unknown stage “${name}” on ${counted(s.rows, 'row')} (${lines(s.lines, s.rows)}): the stages of ${tick(s.pipeline)} are ${s.choices.map(tick).join(', ')}. ` +
      `Those rows are left out. To import them, send the file again with \`stage ${name}=${example}\` (one of ours) in the message, or add the stage first: \`${prefix} stage add ${name}\`.`
    );
  });
  const notes = [
    ...plan.warnings.slice(0, CHAT_IMPORT_LIMITS.notesShown).map((w) => `${w.message} (${counted(w.rows, 'row')}: ${lines(w.lines, w.rows)})`),
    ...(plan.warnings.length > CHAT_IMPORT_LIMITS.notesShown ? [`…and ${counted(plan.warnings.length - CHAT_IMPORT_LIMITS.notesShown, 'more note')}`] : []),
    ...(plan.alsoCreates.companies > 0 ? [`${mode === 'dry' ? 'Also creates' : 'Also created'} ${counted(plan.alsoCreates.companies, 'company', 'companies')} named on rows.`] : []),
    ...(plan.columns.fields.length > 0 ? [`Custom fields: ${plan.columns.fields.join(', ')}.`] : []),
    ...(plan.columns.ignored.length > 0 ? [`Columns left alone: ${plan.columns.ignored.join(', ')}.`] : []),
  ];
  return {
    heading,
    counts,
    summary: mode === 'dry' ? `${heading}: ${counts}` : counts,
    badTitle: mode === 'dry' ? 'Bad rows (they won’t be imported):' : 'Bad rows left out:',
    bad,
    moreBad: Math.max(more, 0),
    stages,
    notes,
    canImport: plan.create + plan.update > 0,
  };
}

/** "…and 40 more bad rows". */
export const moreBadRows = (rows: number) => `…and ${counted(rows, 'more bad row')}`;

/** The counts line a pending import carries (for a report shown again without its plan). */
export function pendingCounts(p: PendingImport): string {
  const [rows, create, update, skip, bad] = p.n;
  return `${p.name}: ${counted(rows, 'row')} read: ${n(create)} to create, ${n(update)} to update, ${n(skip)} to skip (already there), ${n(bad)} bad.`;
}

// -------------------------------------------------------------------------------------------
// The dry run, Import and Cancel

/** What a surface does while an import runs. */
export interface ImportIo {
  /** The file's bytes, read again (throws DownloadError in words). */
  download(): Promise<Buffer>;
  /** Posts the progress message the first time, edits it after. */
  progress(text: string): Promise<void>;
  /** The import's report, on the progress message. */
  done(report: ImportReportView): Promise<void>;
  /** Nothing was imported: why, and whether the buttons come back (`retry`) to try again. */
  failed(text: string, retry: boolean): Promise<void>;
}

/** What a click does: go on with the import, or say why not (the report's buttons stay or go). */
export type BeginOutcome = { kind: 'go' } | { kind: 'cancelled'; text: string } | { kind: 'no'; text: string; removeButtons: boolean };

export class ChatImports {
  /** Dry runs this process is running (the inbox key's claim covers other processes). */
  private readonly running = new Set<string>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  /** Files kept from their dry run (`keep`), by pending import id, oldest first. */
  private readonly kept = new Map<string, { bytes: Buffer; until: number }>();

  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
    private readonly prefix: string,
    /** The wall clock that paces progress edits and kept files (tests step it). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a dry run's file for its Import (within CHAT_IMPORT_LIMITS.keptBytes, for keptMs). */
  keep(id: string, bytes: Buffer): void {
    const now = this.now();
    for (const [key, k] of this.kept) if (k.until <= now) this.kept.delete(key);
    if (bytes.length > CHAT_IMPORT_LIMITS.keptBytes) return;
    let total = [...this.kept.values()].reduce((sum, k) => sum + k.bytes.length, 0);
    for (const [key, k] of this.kept) {
      if (total + bytes.length <= CHAT_IMPORT_LIMITS.keptBytes) break;
      this.kept.delete(key);
      total -= k.bytes.length;
    }
    this.kept.set(id, { bytes, until: now + CHAT_IMPORT_LIMITS.keptMs });
  }

  /** A kept file; undefined when not kept, expired, or after a restart. Let go once imported (`run`). */
  keptFile(id: string): Buffer | undefined {
    const k = this.kept.get(id);
    return k && k.until > this.now() ? k.bytes : undefined;
  }

  /** The dry run of a downloaded file: its plan and what the buttons carry. */
  async dryRun(actor: Actor, file: { name: string; src: string; bytes: Buffer }, options: ImportOptions): Promise<{ plan: ImportPlan; pending: PendingImport }> {
    const name = file.name.slice(0, CHAT_IMPORT_LIMITS.fileName);
    const plan = await this.slot(() => this.crm.imports.plan({ actor, fileName: name, input: file.bytes, ...options }));
    const pending: PendingImport = {
      v: 1,
      id: randomBytes(12).toString('base64url'),
      name,
      src: file.src,
      fd: plan.fileDigest,
      pd: plan.planDigest,
      p: plan.preset,
      k: plan.kind,
      ...(options.stageMap && { s: options.stageMap }),
      by: actor.memberId,
      at: this.crm.clock.now().getTime(),
      n: [plan.rows, plan.create, plan.update, plan.skip, plan.bad],
    };
    return { plan, pending };
  }

  /**
   * A click on Import or Cancel: claims the dry run's inbox key, or says why not (a second click
   * is told what the first did). After `go`, call `run`.
   */
  async begin(actor: Actor, pending: PendingImport, action: 'import' | 'cancel'): Promise<BeginOutcome> {
    if (pending.by !== actor.memberId) return { kind: 'no', text: CHAT_IMPORT_TEXT.notYours, removeButtons: false };
    const key = importKey(actor.workspaceId, pending.id);
    if (this.running.has(key)) return { kind: 'no', text: CHAT_IMPORT_TEXT.alreadyRunning(pending.name), removeButtons: true };
    if (action === 'import' && this.crm.clock.now().getTime() - pending.at > CHAT_IMPORT_LIMITS.reportTtlMs) {
      return { kind: 'no', text: CHAT_IMPORT_TEXT.tooOld(pending.name), removeButtons: true };
    }
    if (!(await this.crm.inbox.claim(key, 'action'))) return { kind: 'no', text: await this.taken(key, pending.name), removeButtons: true };
    if (action === 'cancel') {
      this.kept.delete(pending.id);
      await this.crm.inbox.complete(key, 'cancelled');
      return { kind: 'cancelled', text: CHAT_IMPORT_TEXT.cancelled(pending.name) };
    }
    this.running.add(key);
    return { kind: 'go' };
  }

  /** What the first click did, for the next one. */
  private async taken(key: string, name: string): Promise<string> {
    const status = await this.crm.inbox.statusOf(key);
    if (status?.status === 'pending') return CHAT_IMPORT_TEXT.alreadyRunning(name);
    if (status?.detail === 'cancelled') return CHAT_IMPORT_TEXT.alreadyCancelled(name);
    if (status?.detail?.startsWith('imported')) return CHAT_IMPORT_TEXT.alreadyImported(name);
    return CHAT_IMPORT_TEXT.alreadyDecided(name);
  }

  /** The import of a dry run `begin` let go on: see the file's comment. Never throws. */
  async run(actor: Actor, pending: PendingImport, io: ImportIo): Promise<void> {
    const key = importKey(actor.workspaceId, pending.id);
    let shown = 0;
    let showing: Promise<void> | undefined;
    const show = (text: string) => {
      showing = io
        .progress(text)
        .catch((err: unknown) => this.log.warn({ err }, 'could not show an import’s progress'))
        .finally(() => (showing = undefined));
    };
    try {
      await io.progress(CHAT_IMPORT_TEXT.importing(pending.name));
      shown = this.now();
      const bytes = await io.download();
      const result = await this.slot(() =>
        this.crm.imports.run({
          actor,
          fileName: pending.name,
          input: bytes,
          preset: pending.p,
          kind: pending.k,
          ...(pending.s && { stageMap: pending.s }),
          confirm: { fileDigest: pending.fd, planDigest: pending.pd, rows: pending.n[0] },
          onProgress: ({ done, total }) => {
            // One edit at a time, at most every few seconds: never a flood of edits.
            if (showing || this.now() - shown < CHAT_IMPORT_LIMITS.progressEveryMs) return;
            shown = this.now();
            show(CHAT_IMPORT_TEXT.progress(pending.name, done, total));
          },
        }),
      );
      await showing;
      this.kept.delete(pending.id);
      await this.crm.inbox.complete(key, `imported: ${result.create} created, ${result.update} updated, ${result.skip} skipped, ${result.bad} bad`);
      await io.done(importReport(result, 'done', this.prefix));
    } catch (err) {
      await showing;
      await this.fail(key, pending, io, err);
    } finally {
      this.running.delete(key);
    }
  }

  private async fail(key: string, pending: PendingImport, io: ImportIo, err: unknown): Promise<void> {
    // A changed file or changed records: this dry run can't be imported, ever. Anything else
    // wrote nothing and may work later (a download, a refusal, a failure on our side).
    const final = isDomainError(err) && err.code === DomainErrorCode.Conflict;
    const why = err instanceof DownloadError ? (err.sentence ? err.words : `I couldn’t download it again (${err.words}).`) : errorReply(err, this.log, this.prefix).message;
    const retry = !final && !(err instanceof DownloadError && !err.retry);
    if (!retry) this.kept.delete(pending.id);
    try {
      if (retry) await this.crm.inbox.release(key);
      else await this.crm.inbox.complete(key, final ? 'conflict' : 'unreadable');
    } catch (e) {
      this.log.warn({ err: e, key }, 'could not record how an import ended');
    }
    // A Conflict's message says it all ("Nothing was imported from …: … Run the dry run again …").
    const text = final
      ? `${why.replace(/Run the dry run again and confirm what it says now\.$/, '').trim()} Send the file again for a new dry run, and import what it says now.`
      : `${CHAT_IMPORT_TEXT.failed(pending.name, why)}${retry ? '' : ' Send the file again for a new dry run.'}`;
    if (final && (await this.crm.inbox.statusOf(key).catch(() => undefined))?.detail?.startsWith('imported')) {
      // Another click's import (a replica that took the click over) wrote it meanwhile: its report says so.
      this.log.warn({ key }, 'an import of a dry run already imported was refused');
      return;
    }
    await io.failed(text, retry).catch((e: unknown) => this.log.warn({ err: e }, 'could not say an import failed'));
  }

  /** Runs `work` when fewer than CHAT_IMPORT_LIMITS.running others are (each holds a file in memory). */
  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= CHAT_IMPORT_LIMITS.running) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
