/**
 * The heap a job's worker thread may use. A run's live data is small (a few tens of MB for a
 * thousand digests); without a cap V8 grows the heap lazily, and the process's memory with it.
 */
export const JOB_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 24 } as const;
