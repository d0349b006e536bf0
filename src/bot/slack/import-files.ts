/**
 * Reading a file someone sent the app in Slack, for a CSV import (chat-import.ts): downloaded from
 * its `url_private_download` with the bot token (`Authorization: Bearer xoxb-…`, scope
 * `files:read`). The token goes only to Slack's own file host: an address anywhere else is refused
 * before anything is sent. A file the event does not describe fully (`file_access:
 * check_file_info`, Slack Connect) and a file read again on Import are looked up with files.info.
 */
import type { WebClient } from '@slack/web-api';
import { downloadFile, DownloadError } from '../chat-import.js';

/** The parts of a Slack file object an import reads (events and files.info give the same shape). */
export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
  mode?: string;
  file_access?: string;
}

/** Slack's hosts that serve files (url_private_download is on files.slack.com). */
const isSlackFileHost = (host: string) => host === 'slack.com' || host.endsWith('.slack.com');

/** The file's name as people see it. */
export const fileNameOf = (f: SlackFile) => f.name || f.title || `${f.id}.csv`;

/** Whether the event's description of the file is enough to download it. */
export const isComplete = (f: SlackFile) => Boolean((f.url_private_download ?? f.url_private) && f.file_access !== 'check_file_info');

/** The file as files.info describes it (a deleted one, or one the app may not read, in words). */
export async function fileInfo(client: WebClient, fileId: string): Promise<SlackFile> {
  try {
    const res = await client.files.info({ file: fileId });
    if (!res.file?.id) throw new DownloadError('Slack did not describe it', false);
    return res.file as SlackFile;
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    const e = err as { data?: { error?: string }; code?: string };
    const code = e.data?.error;
    if (code === 'file_not_found' || code === 'file_deleted') throw new DownloadError('it was deleted from Slack', false);
    if (code) throw new DownloadError(`Slack refused to describe it (${code})`, code === 'ratelimited');
    throw new DownloadError(`Slack could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The file's bytes, with the bot token, from Slack's file host only. */
export async function downloadSlackFile(file: SlackFile, token: string | undefined): Promise<Buffer> {
  const url = file.url_private_download ?? file.url_private;
  if (!url) throw new DownloadError('Slack gave no address to download it from', false);
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    throw new DownloadError('Slack gave an address I can’t read', false);
  }
  if (!url.startsWith('https://') || !isSlackFileHost(host)) throw new DownloadError('its address is not Slack’s', false);
  if (!token) throw new DownloadError('I have no token to download it with', false);
  return downloadFile(url, fileNameOf(file), { authorization: `Bearer ${token}` });
}
