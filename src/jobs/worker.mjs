// The entry of every Bree worker thread: runs the job Bree started it for (workerData.job.name)
// through worker.ts. Built (dist/jobs, `npm run build`), it loads the compiled worker.js on Node
// alone. From the sources (src/jobs, under tsx or vitest) a worker cannot load TypeScript by
// itself, so it registers tsx first.
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const fromSources = existsSync(new URL('./worker.ts', import.meta.url));
if (fromSources) (await import('tsx/esm/api')).register();
const { runJobInWorker } = await import(fromSources ? './worker.ts' : './worker.js');
await runJobInWorker(workerData?.job?.name);
