/** The manifest asks for what the code uses, and modal metadata stays within Slack's limit. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLACK_SCOPES } from '../../../src/bot/slack/app.js';
import { PRIVATE_METADATA_MAX, readMeta, writeMeta } from '../../../src/bot/slack/listeners/context.js';

const manifest = readFileSync(new URL('../../../manifest.yml', import.meta.url), 'utf8');

function listAfter(heading: string): string[] {
  const start = manifest.indexOf(heading);
  const lines = manifest.slice(start + heading.length).split('\n').slice(1);
  const out: string[] = [];
  for (const line of lines) {
    if (/^\s*#/.test(line)) continue;
    const m = /^\s+- (\S+)/.exec(line);
    if (!m) break;
    out.push(m[1]!);
  }
  return out;
}

describe('manifest.yml', () => {
  it('asks for exactly the bot scopes OAuth installs request', () => {
    expect(listAfter('    bot:').sort()).toEqual([...SLACK_SCOPES].sort());
  });

  it('subscribes to the events that keep members and shared channels current', () => {
    expect(listAfter('bot_events:')).toEqual(
      expect.arrayContaining(['app_home_opened', 'app_uninstalled', 'tokens_revoked', 'user_change', 'channel_shared', 'channel_unshared']),
    );
  });

  it('asks for users:read with user_change (a deactivation, and the admins’ hand-over offer, read who a person is)', () => {
    expect(listAfter('bot_events:')).toContain('user_change');
    expect(listAfter('    bot:')).toContain('users:read');
  });

  it('lets a CSV be sent to the app in a DM and read (message.im with im:history, files:read, a Messages tab one can write in)', () => {
    expect(listAfter('bot_events:')).toContain('message.im');
    expect(listAfter('    bot:')).toEqual(expect.arrayContaining(['im:history', 'files:read']));
    expect(manifest).toMatch(/messages_tab_read_only_enabled: false/);
  });
});

describe('modal private_metadata', () => {
  it('stays within 3,000 characters for a message of 1,500 quotes, and still reads back', () => {
    const meta = {
      channelId: 'C0SALES',
      messageTs: '1700000000.000100',
      responseUrl: `https://hooks.slack.com/actions/T0ACME/${'1'.repeat(300)}/x`,
      messageText: '"\\'.repeat(750),
    };
    const json = writeMeta(meta);
    expect(json.length).toBeLessThanOrEqual(PRIVATE_METADATA_MAX);
    const back = readMeta(json);
    expect(back.channelId).toBe('C0SALES');
    expect(back.messageText?.endsWith('…')).toBe(true);
    expect(meta.messageText.startsWith(back.messageText!.slice(0, -1))).toBe(true);
  });

  it('leaves short metadata exactly as it is', () => {
    const meta = { dealId: 'd1', messageText: 'Short "quoted" text' };
    expect(readMeta(writeMeta(meta))).toEqual(meta);
  });
});
