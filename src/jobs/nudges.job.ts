/** The nudges job: sends every morning DM due now, each in its member's time zone. */
import type { Job } from './runtime.js';

export const nudgesJob: Job = (rt) => rt.runner.runNudges();
