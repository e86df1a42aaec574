/** What the build service counts: builds started, reused and how they ended, and how long they took. */
import type { BuildRecord } from './build.ts';

export interface BuildMetrics {
  started(): void;
  reused(): void;
  finished(build: BuildRecord): void;
}
