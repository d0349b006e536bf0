/** The digests job: posts every channel digest due now, each in its subscription's time zone. */
import type { Job } from './runtime.js';

export const digestsJob: Job = (rt) => rt.runner.runDigests();
