/**
 * The Teams app package (what is uploaded to Teams to install the app): manifest.json with the
 * bot's app id and the public host filled in, a 192×192 colour icon and a 32×32 outline icon, in
 * one zip. The icons are drawn here and the zip is written with Node's zlib, so the package needs
 * neither binary files in the repository nor a zip library. `npm run teams:package` builds it.
 */
import { readFileSync } from 'node:fs';
import { deflateRawSync, deflateSync } from 'node:zlib';

export const MANIFEST_TEMPLATE = new URL('./manifest.json', import.meta.url);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export class PackageError extends Error {}

/** The manifest with `{{MICROSOFT_APP_ID}}` and `{{HOST}}` filled in, checked. */
export function buildManifest(template: string, opts: { appId: string; host: string; version?: string }): string {
  if (!GUID.test(opts.appId)) throw new PackageError('MICROSOFT_APP_ID must be the bot registration’s application (client) id, a GUID.');
  const host = opts.host.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (!HOST.test(host)) throw new PackageError(`"${opts.host}" is not a host name: give the public host the bot is served on, e.g. crm.example.com.`);
  const filled = template.replaceAll('{{MICROSOFT_APP_ID}}', opts.appId).replaceAll('{{HOST}}', host);
  const manifest = JSON.parse(filled) as Record<string, unknown>;
  if (opts.version) manifest.version = opts.version;
  const left = JSON.stringify(manifest).match(/\{\{[A-Z_]+\}\}/);
  if (left) throw new PackageError(`manifest.json still has ${left[0]}: nothing fills it in.`);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function readTemplate(): string {
  return readFileSync(MANIFEST_TEMPLATE, 'utf8');
}

// --- Icons -------------------------------------------------------------------------------------

type Rgba = [number, number, number, number];
const ACCENT: Rgba = [0x2e, 0x6b, 0xe6, 0xff];
const WHITE: Rgba = [0xff, 0xff, 0xff, 0xff];
const CLEAR: Rgba = [0, 0, 0, 0];

/**
 * The app's mark: three rising bars (a pipeline). `color`: white bars on the accent colour, full
 * bleed (192×192); `outline`: white bars on transparent (32×32), as Teams requires.
 */
export function iconPng(kind: 'color' | 'outline'): Buffer {
  const size = kind === 'color' ? 192 : 32;
  const background = kind === 'color' ? ACCENT : CLEAR;
  const unit = size / 16;
  // Bars in a 16×16 grid: x from, x to, top (bottom is 13).
  const bars = [
    [3, 5.5, 9],
    [6.75, 9.25, 6],
    [10.5, 13, 3],
  ] as const;
  return png(size, size, (x, y) => {
    const gx = (x + 0.5) / unit;
    const gy = (y + 0.5) / unit;
    return bars.some(([x0, x1, top]) => gx >= x0 && gx < x1 && gy >= top && gy < 13) ? WHITE : background;
  });
}

/** A minimal RGBA PNG: IHDR, one IDAT, IEND. */
export function png(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 4);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

// --- Zip ---------------------------------------------------------------------------------------

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** A zip archive of `entries` (deflated), readable by Teams, unzip and every OS. */
export function zip(entries: ZipEntry[], date = new Date('2026-01-01T00:00:00Z')): Buffer {
  const { time, day } = dosDateTime(date);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const packed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const common = (h: Buffer, at: number) => {
      h.writeUInt16LE(20, at); // version needed
      h.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      h.writeUInt16LE(8, at + 4); // deflate
      h.writeUInt16LE(time, at + 6);
      h.writeUInt16LE(day, at + 8);
      h.writeUInt32LE(crc, at + 10);
      h.writeUInt32LE(packed.length, at + 14);
      h.writeUInt32LE(entry.data.length, at + 18);
      h.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    common(central, 6);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function dosDateTime(d: Date): { time: number; day: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    day: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The whole package: manifest.json, color.png, outline.png. */
export function buildPackage(opts: { appId: string; host: string; version?: string; template?: string }): Buffer {
  return zip([
    { name: 'manifest.json', data: Buffer.from(buildManifest(opts.template ?? readTemplate(), opts), 'utf8') },
    { name: 'color.png', data: iconPng('color') },
    { name: 'outline.png', data: iconPng('outline') },
  ]);
}
