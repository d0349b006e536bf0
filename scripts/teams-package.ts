/**
 * `npm run teams:package -- --host crm.example.com [--out data/teams-app.zip] [--version 1.0.1]`:
 * builds the Teams app package (manifest.json with MICROSOFT_APP_ID and the host filled in, and
 * the two icons) to upload in Teams (Apps → Manage your apps → Upload an app). See docs/teams.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildPackage, PackageError } from '../src/bot/teams/app-package/build.js';

const USAGE = 'Usage: npm run teams:package -- --host <public host of the bot> [--out data/teams-app.zip] [--version 1.0.0]';

try {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      out: { type: 'string', default: 'data/teams-app.zip' },
      version: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const appId = process.env.MICROSOFT_APP_ID?.trim();
  if (!appId) throw new PackageError('Set MICROSOFT_APP_ID (the bot registration’s application id) first.');
  if (!values.host) throw new PackageError(`Give the host the bot is served on.\n${USAGE}`);
  const out = path.resolve(values.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, buildPackage({ appId, host: values.host, ...(values.version && { version: values.version }) }));
  console.log(`Wrote ${path.relative(process.cwd(), out) || out}: upload it in Teams (Apps → Manage your apps → Upload an app).`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
