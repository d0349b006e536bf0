/** The Teams app package: the manifest filled in and valid in shape, the icons, the zip readable. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildManifest, buildPackage, crc32, PackageError, readTemplate, zip } from '../../../src/bot/teams/app-package/build.js';
import { COMMANDS } from '../../../src/bot/teams/ids.js';
import { APP_ID } from './harness.js';

/** Reads a zip through its central directory (what unzip and Teams do), checking each CRC. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const packed = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + packed);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(crc32(data), name).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

/** Width and height from IHDR, after checking the image data inflates to the right size. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat = png.indexOf('IDAT');
  const length = png.readUInt32BE(idat - 4);
  expect(inflateSync(png.subarray(idat + 4, idat + 4 + length)).length).toBe(height * (1 + width * 4));
  return { width, height };
}

describe('Teams app package', () => {
  const files = unzip(buildPackage({ appId: APP_ID, host: 'https://crm.example.com/api/messages' }));

  it('holds exactly manifest.json and the two icons', () => {
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    expect(pngSize(files.get('color.png')!)).toEqual({ width: 192, height: 192 });
    expect(pngSize(files.get('outline.png')!)).toEqual({ width: 32, height: 32 });
  });

  it('fills in the app id and the host, and declares the bot, its scopes, commands and the message action', () => {
    const text = files.get('manifest.json')!.toString('utf8');
    expect(text).not.toContain('{{');
    const m = JSON.parse(text);
    expect(m.manifestVersion).toBe('1.17');
    expect(m.id).toBe(APP_ID);
    expect(m.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(m.validDomains).toEqual(['crm.example.com']);
    expect(m.bots[0]).toMatchObject({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] });
    for (const list of m.bots[0].commandLists) {
      // Teams allows at most 10 commands per list.
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }
    // Every scope has exactly one list; `deal digest here` is offered where there is a channel, never in a personal chat.
    const listFor = (scope: string) => m.bots[0].commandLists.filter((l: { scopes: string[] }) => l.scopes.includes(scope));
    for (const scope of ['personal', 'team', 'groupChat']) expect(listFor(scope)).toHaveLength(1);
    const titles = (scope: string) => listFor(scope)[0].commands.map((c: { title: string }) => c.title);
    expect(titles('personal')).not.toContain('deal digest here');
    expect(titles('team')).toContain('deal digest here');
    for (const scope of ['personal', 'team']) expect(titles(scope)).toEqual(expect.arrayContaining(['deal contact', 'deal task', 'deal tasks']));
    expect(m.composeExtensions[0]).toMatchObject({ botId: APP_ID });
    expect(m.composeExtensions[0].commands).toEqual([
      expect.objectContaining({ id: COMMANDS.logToCrm, type: 'action', context: ['message'], fetchTask: true }),
    ]);
    expect(m.name.short.length).toBeLessThanOrEqual(30);
    expect(m.description.short.length).toBeLessThanOrEqual(80);
    expect(m.description.full.length).toBeLessThanOrEqual(4000);
  });

  it('refuses an app id that is not a GUID and a host that is not a host', () => {
    expect(() => buildManifest(readTemplate(), { appId: 'my-bot', host: 'crm.example.com' })).toThrow(PackageError);
    expect(() => buildManifest(readTemplate(), { appId: APP_ID, host: 'localhost:3978' })).toThrow(/not a host name/);
  });

  it('writes zips that the system unzip reads too', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'teams-zip-'));
    try {
      const file = path.join(dir, 'pkg.zip');
      writeFileSync(file, zip([{ name: 'a.txt', data: Buffer.from('hello') }]));
      const listing = (() => {
        try {
          return execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
        } catch {
          return undefined; // no unzip on this machine: the reader above has checked the format
        }
      })();
      if (listing !== undefined) expect(listing).toContain('a.txt');
      expect(unzip(readFileSync(file)).get('a.txt')!.toString()).toBe('hello');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
