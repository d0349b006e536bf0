// Part of `npm run build`: puts Bree's worker entry (plain JavaScript) beside the compiled jobs.
// Written to a temporary file and renamed, and only when it changed, so a process starting from
// dist/ meanwhile never reads half a file.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const from = 'src/jobs/worker.mjs';
const to = 'dist/jobs/worker.mjs';
const text = readFileSync(from);
if (!existsSync(to) || !readFileSync(to).equals(text)) {
  writeFileSync(`${to}.tmp`, text);
  renameSync(`${to}.tmp`, to);
}
