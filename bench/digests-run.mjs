// The measured part of bench/digests.ts, in plain JavaScript over the built application (dist/,
// `npm run build`), so the process is what production runs: Node alone, no TypeScript loader.
// The main thread hosts a Slack Web API stub; a worker thread with the jobs' resource limits runs
// the delivery runner over the real ledger and Slack notifier, as a Bree worker does. Prints one
// JSON line: the run's report, wall time, posts the stub received and the process's peak RSS.
//
//   node bench/digests-run.mjs <database url> <digests|nudges> <concurrency>
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const NOW = new Date('2026-11-24T22:00:00.000Z'); // as in bench/digests.ts
const trace = (what) => process.env.BENCH_TRACE && console.error(what, Math.round(process.memoryUsage().rss / 1e6), 'MB');

async function slackStub() {
  let posts = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      // Digests first ask whether the channel is shared with another organisation.
      if (req.url?.endsWith('/conversations.info')) return res.end('{"ok":true,"channel":{"is_ext_shared":false}}');
      posts++;
      res.end(`{"ok":true,"channel":"C","ts":"1790000000.${String(posts).padStart(6, '0')}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/api/`, posts: () => posts, close: () => new Promise((r) => server.close(() => r())) };
}

async function measuredRun(url, job, concurrency) {
  const { JOB_RESOURCE_LIMITS } = await import('../dist/jobs/limits.js');
  const stub = await slackStub();
  trace('main thread');
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { url, job, slackApiUrl: stub.url, concurrency },
    resourceLimits: { ...JOB_RESOURCE_LIMITS },
  });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const result = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited (${code})`)));
  });
  clearInterval(sampler);
  await worker.terminate();
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  const posts = stub.posts();
  await stub.close();
  return { ...result, peakRssMb: peak / 1024 / 1024, posts };
}

async function workerRun({ url, job, slackApiUrl, concurrency }) {
  trace('worker started');
  const [{ SlackNotifier }, { openDatabase }, { FixedClock, createCrm, createDeliveryRunner }] = await Promise.all([
    import('../dist/bot/slack/notifier.js'),
    import('../dist/db/client.js'),
    import('../dist/domain/index.js'),
  ]);
  trace('application loaded');
  const handle = await openDatabase(url);
  await handle.db.deliveryLedger.deleteMany(); // the ledger starts empty for every measured run
  const crm = createCrm(handle.db, new FixedClock(NOW));
  const notifier = new SlackNotifier({ crm, botToken: 'xoxb-bench', slackApiUrl });
  const runner = createDeliveryRunner(crm, notifier, { platforms: ['slack'], concurrency });
  trace('database open');
  const run = () => (job === 'nudges' ? runner.runNudges() : runner.runDigests());
  const t0 = performance.now();
  const report = await run();
  const wallMs = performance.now() - t0;
  trace(`${job} delivered`);
  const t1 = performance.now();
  const second = await run();
  const secondMs = performance.now() - t1;
  await handle.close();
  return { report, wallMs, secondRun: { report: second, wallMs: secondMs } };
}

if (isMainThread) {
  const [url, job, concurrency] = process.argv.slice(2);
  const out = await measuredRun(url, job === 'nudges' ? 'nudges' : 'digests', Number(concurrency ?? 8));
  console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
} else {
  parentPort.postMessage(await workerRun(workerData));
}
