// The entry of every Bree worker thread. A worker cannot load TypeScript by itself (not even when
// the main process runs under tsx), so it registers tsx first, then runs the job Bree started it
// for (workerData.job.name) through worker.ts.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runJobInWorker } = await import('./worker.ts');
await runJobInWorker(workerData?.job?.name);
