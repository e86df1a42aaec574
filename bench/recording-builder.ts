/** A Builder that records what it is asked to build and answers like CodeBuild, without building. */
import type { BuildProgress } from '../lambdas/domain/build.ts';
import type { Builder, BuildJob } from '../lambdas/domain/builder.ts';

export class RecordingBuilder implements Builder {
  readonly started: BuildJob[] = [];
  readonly stopped: string[] = [];

  async start(job: BuildJob): Promise<{ builderId: string }> {
    this.started.push(job);
    return { builderId: `group-images-image-build:${job.build.id}` };
  }

  async stop(builderId: string): Promise<void> {
    this.stopped.push(builderId);
  }

  async describe(): Promise<Map<string, BuildProgress>> {
    return new Map();
  }
}
