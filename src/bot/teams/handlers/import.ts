/**
 * A CSV import in Teams (chat-import.ts). Teams gives a bot the files people attach only in its
 * personal chat with them: a message with an attachment of type
 * `application/vnd.microsoft.teams.file.download.info`, whose `content.downloadUrl` is a
 * short-lived, pre-authorised address read with a plain GET, no token (learn.microsoft.com,
 * "Send and receive files using bot"; the app manifest says `supportsFiles: true`).
 *
 * 1. The message: who may import is asked first (a refusal names the admins; nothing is
 *    downloaded); each file gets "Reading…" at once, within the turn (Teams delivers a message
 *    again when it is not answered within 15 s: one report per message id, through the inbox), and
 *    in the background it is downloaded, its dry run made, and that message replaced by the
 *    dry-run card with Import and Cancel (Action.Execute). The file is kept in memory for its
 *    Import (CHAT_IMPORT_LIMITS.keptMs): its address may have expired by the time Import is pressed.
 * 2. Import (an `adaptiveCard/action` invoke, answered within Teams' 5 s): the dry run is claimed
 *    (a second click is told "already imported"), the card answered at once without its buttons,
 *    and the import runs after the answer: one progress message, edited, then the report. After a
 *    restart the file is read from its address again; expired, the person is asked to send it again.
 * 3. Cancel: the card says it was cancelled.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { inBackground } from '../../../background.js';
import type { Actor } from '../../../domain/index.js';
import {
  CHAT_IMPORT_LIMITS,
  CHAT_IMPORT_TEXT,
  ChatImports,
  decodePending,
  DownloadError,
  downloadFailure,
  downloadFile,
  fileRefusal,
  importReport,
  readImportOptions,
  type ImportOptions,
} from '../../chat-import.js';
import { errorReply } from '../../messages.js';
import { importReportCard, importStatusCard } from '../cards/import.js';
import { conversationOf, type StoredReference } from '../conversation.js';
import { VERBS } from '../ids.js';
import type { CardActionResult } from './card-actions.js';
import { asActivity, failureMessage, PREFIX, type TeamsDeps } from './context.js';

/** The attachment Teams gives a bot for a file attached in its personal chat. */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export const TEAMS_IMPORT_TEXT = {
  personalOnly: `Teams gives me files only in our personal chat: attach the CSV there to import it (\`${PREFIX} import\` says how).`,
} as const;

/** Bounds of a proactive send or edit after the turn (Teams throttles bots: 429 with Retry-After). */
const SEND_LIMITS = { maxAttempts: 3, maxWaitMs: 10_000 };

const fileSchema = z.object({
  contentType: z.literal(FILE_DOWNLOAD_INFO),
  name: z.string().min(1).max(255),
  content: z.object({
    downloadUrl: z.string().url().startsWith('https://').max(4000),
    fileType: z.string().max(20).optional(),
  }),
});

export interface TeamsFile {
  name: string;
  downloadUrl: string;
  fileType?: string;
}

/** The files attached to a message (other attachments, and ones we can't read, are left out). */
export function importFiles(activity: Partial<Activity>): TeamsFile[] {
  return (activity.attachments ?? []).flatMap((a) => {
    if (a.contentType !== FILE_DOWNLOAD_INFO) return [];
    const parsed = fileSchema.safeParse(a);
    if (!parsed.success) return [];
    const { name, content } = parsed.data;
    return [{ name, downloadUrl: content.downloadUrl, ...(content.fileType && { fileType: content.fileType }) }];
  });
}

/** One ChatImports per Teams surface (files kept between a dry run and its Import live there). */
const importsOf = new WeakMap<TeamsDeps, ChatImports>();
function importsFor(deps: TeamsDeps): ChatImports {
  let imports = importsOf.get(deps);
  if (!imports) importsOf.set(deps, (imports = new ChatImports(deps.crm, deps.log, PREFIX)));
  return imports;
}

/** A message with files attached: see the file's comment. */
export async function onImportFiles(deps: TeamsDeps, context: TurnContext, actor: Actor, files: TeamsFile[], text: string): Promise<void> {
  const { activity } = context;
  const conversation = conversationOf(activity);
  if (!conversation || conversation.kind !== 'personal') {
    await context.sendActivity({ type: 'message', text: TEAMS_IMPORT_TEXT.personalOnly });
    return;
  }
  // Teams delivers a message again when it thinks it went unanswered: one report per message.
  const key = activity.id ? `teams:file:${activity.id}` : undefined;
  if (key && !(await deps.crm.inbox.claim(key, 'event'))) return;
  try {
    await answerFiles(deps, context, actor, files, text, conversation.reference);
  } finally {
    if (key) await deps.crm.inbox.complete(key).catch((err: unknown) => deps.log.warn({ err, key }, 'could not record a teams file message as answered'));
  }
}

async function answerFiles(deps: TeamsDeps, context: TurnContext, actor: Actor, files: TeamsFile[], text: string, reference: StoredReference): Promise<void> {
  try {
    // Refused before anything is downloaded: the words name the admins.
    await deps.crm.imports.check(actor);
  } catch (err) {
    await context.sendActivity(asActivity(failureMessage(err, deps.log)));
    return;
  }
  const read = readImportOptions(text);
  if (!read.ok) {
    await context.sendActivity({ type: 'message', text: `${read.message} Nothing was read: send the file again with that fixed.` });
    return;
  }
  const toRead: { file: TeamsFile; messageId: string }[] = [];
  for (const file of files.slice(0, CHAT_IMPORT_LIMITS.filesPerMessage)) {
    const refusal = fileRefusal({ name: file.name, ...(file.fileType && { filetype: file.fileType }) });
    if (refusal) {
      await context.sendActivity({ type: 'message', text: refusal });
      continue;
    }
    const posted = await context.sendActivity({ type: 'message', text: CHAT_IMPORT_TEXT.reading(file.name) });
    toRead.push({ file, messageId: posted?.id ?? '' });
  }
  if (files.length > CHAT_IMPORT_LIMITS.filesPerMessage) {
    await context.sendActivity({ type: 'message', text: CHAT_IMPORT_TEXT.tooMany(files.length - CHAT_IMPORT_LIMITS.filesPerMessage) });
  }
  if (toRead.length === 0) return;
  // After the answer: each file downloaded and its dry run put in place of its "Reading…" line.
  inBackground(deps.log, 'teams import dry run', async () => {
    for (const { file, messageId } of toRead) await dryRun(deps, actor, reference, file, messageId, read.options);
  });
}

async function dryRun(deps: TeamsDeps, actor: Actor, reference: StoredReference, file: TeamsFile, messageId: string, options: ImportOptions): Promise<void> {
  const imports = importsFor(deps);
  const show = async (activity: Partial<Activity>) => {
    if (messageId) await deps.sender.update(reference, messageId, activity, SEND_LIMITS);
    else await deps.sender.send(reference, activity, SEND_LIMITS);
  };
  try {
    // A pre-authorised address: read without a token (and none is ever sent).
    const bytes = await downloadFile(file.downloadUrl, file.name);
    const { plan, pending } = await imports.dryRun(actor, { name: file.name, src: file.downloadUrl, bytes }, options);
    if (plan.create + plan.update > 0) imports.keep(pending.id, bytes);
    await show(asActivity(importReportCard(importReport(plan, 'dry', PREFIX), pending)));
  } catch (err) {
    const text = err instanceof DownloadError ? downloadFailure(file.name, err) : CHAT_IMPORT_TEXT.notRead(file.name, errorReply(err, deps.log, PREFIX).message);
    await show({ type: 'message', text });
  }
}

const actionSchema = z.object({ verb: z.enum([VERBS.importConfirm, VERBS.importCancel]), pending: z.unknown() });

export const isImportAction = (data: unknown): boolean => {
  const verb = (data as { verb?: unknown } | null)?.verb;
  return verb === VERBS.importConfirm || verb === VERBS.importCancel;
};

/**
 * Import or Cancel on a dry-run card: answered at once (the card, its buttons gone); an import
 * runs after the answer (see the file's comment).
 */
export async function runImportAction(deps: TeamsDeps, context: TurnContext, actor: Actor, data: unknown): Promise<CardActionResult> {
  const parsed = actionSchema.safeParse(data);
  const pending = parsed.success ? decodePending(parsed.data.pending) : undefined;
  const conversation = conversationOf(context.activity);
  if (!parsed.success || !pending || !conversation) return { kind: 'note', text: CHAT_IMPORT_TEXT.stale };
  const imports = importsFor(deps);
  const outcome = await imports.begin(actor, pending, parsed.data.verb === VERBS.importConfirm ? 'import' : 'cancel');
  if (outcome.kind === 'no') return outcome.removeButtons ? { kind: 'replace', card: importStatusCard(pending, outcome.text).card } : { kind: 'note', text: outcome.text };
  if (outcome.kind === 'cancelled') return { kind: 'replace', card: importStatusCard(pending, outcome.text).card };

  const { reference } = conversation;
  const reportId = context.activity.replyToId;
  let progressId: string | undefined;
  const show = async (activity: Partial<Activity>) => {
    if (progressId) await deps.sender.update(reference, progressId, activity, SEND_LIMITS);
    else progressId = (await deps.sender.send(reference, activity, SEND_LIMITS)).id;
  };
  inBackground(deps.log, 'teams import', () =>
    imports.run(actor, pending, {
      // Kept since the dry run; after a restart, from Teams' address (if it still works).
      download: async () => imports.keptFile(pending.id) ?? downloadFile(pending.src, pending.name),
      progress: (text) => show({ type: 'message', text }),
      done: (view) => show(asActivity(importReportCard(view))),
      failed: async (text, retry) => {
        await show({ type: 'message', text });
        // Nothing was written and it may pass later: the buttons come back on the dry-run card.
        if (retry && reportId) await deps.sender.update(reference, reportId, asActivity(importStatusCard(pending, CHAT_IMPORT_TEXT.tryAgain, true)), SEND_LIMITS);
      },
    }),
  );
  return { kind: 'replace', card: importStatusCard(pending, CHAT_IMPORT_TEXT.confirmed).card };
}
