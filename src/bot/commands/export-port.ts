/**
 * How a surface sends an export's files to the person who asked (`/deal export`): Slack uploads
 * them to a direct message, Teams asks with a file consent card in the personal chat, and the
 * console writes them to a folder. The command (families/export.ts) checks who may export, then
 * hands the surface a request; the surface decides when the files are written (`writeTo`, into a
 * folder of its own) and how they travel, and answers with the words to show now.
 */
import type { ExportFile } from '../../data/export.js';
import type { ExportResult, ExportWhat } from '../../domain/exports/export.service.js';

export interface ExportRequest {
  what: ExportWhat;
  /** The files it writes, in order. */
  files: ExportFile[];
  /** Writes the files into `dir` (the domain checks again who may). */
  writeTo(dir: string): Promise<ExportResult>;
}

/** What to tell the person: it went (or is on its way), or it could not, in words. */
export type ExportOutcome = { ok: true; message: string } | { ok: false; message: string; hint?: string };

export interface ExportPort {
  send(request: ExportRequest): Promise<ExportOutcome>;
}
