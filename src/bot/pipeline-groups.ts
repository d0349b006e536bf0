/**
 * Stage lines of reports and digests, grouped by pipeline when the workspace has several (each
 * stage summary then names its pipeline). With one pipeline there is one group with no name, and
 * every renderer draws exactly what it drew before pipelines could be several.
 */
export interface StageGroup<T> {
  /** The pipeline's name; absent when the workspace has one pipeline. */
  name?: string;
  stages: T[];
}

export function groupByPipeline<T extends { pipeline?: { key: string; name: string } }>(stages: readonly T[]): StageGroup<T>[] {
  const groups: StageGroup<T>[] = [];
  for (const stage of stages) {
    const last = groups[groups.length - 1];
    if (last && last.name === stage.pipeline?.name) last.stages.push(stage);
    else groups.push({ ...(stage.pipeline && { name: stage.pipeline.name }), stages: [stage] });
  }
  return groups;
}
