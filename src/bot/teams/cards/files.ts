/**
 * Files a bot sends in Teams (`/deal export`): a file consent card per file, asking the person to
 * let the bot save it to their OneDrive (Teams sends `fileConsent/invoke` with Accept or Decline),
 * and, once uploaded, a file info card that opens it. Both are attachments of a message in the
 * personal chat: Teams' bot file API works only there (learn.microsoft.com, "Send and receive
 * files using bot", Teams bot APIs; the app manifest says `supportsFiles: true`).
 */
import type { Attachment } from 'botbuilder';
import { plural } from '../../format.js';

export const FILE_CONTENT_TYPES = {
  consent: 'application/vnd.microsoft.teams.card.file.consent',
  info: 'application/vnd.microsoft.teams.card.file.info',
} as const;

/** What a consent card carries back to the bot on Accept or Decline (free form; ours is this). */
export interface ExportConsentContext {
  /** The export file (`deals.csv`): written again, fresh, when accepted. */
  export: string;
}

/** "deals.csv: 12 rows of Acme Sales's CRM export. Accept to save it to your OneDrive." */
export function exportConsentCard(file: { name: string; rows: number; bytes: number }, workspace: string): Attachment {
  const context: ExportConsentContext = { export: file.name };
  return {
    contentType: FILE_CONTENT_TYPES.consent,
    name: file.name,
    content: {
      description: `${file.name}: ${plural(file.rows, 'row')} of ${workspace}’s CRM export (CSV). Accept to save it to your OneDrive.`,
      sizeInBytes: file.bytes,
      acceptContext: context,
      declineContext: context,
    },
  };
}

/** The uploaded file, as Teams shows it (open, preview, download). */
export function fileInfoCard(upload: { name: string; contentUrl: string; uniqueId: string; fileType: string }): Attachment {
  return {
    contentType: FILE_CONTENT_TYPES.info,
    name: upload.name,
    contentUrl: upload.contentUrl,
    content: { uniqueId: upload.uniqueId, fileType: upload.fileType },
  };
}
