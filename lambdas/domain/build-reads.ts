/**
 * The read side of builds: a custom image's build history and a build's log. Each class needs only
 * what it reads, every dependency required: the catalog reader has no log reader, and the log
 * function no image store.
 */
import { toBuild, type Build } from './build.ts';
import { isTerminal } from './build-states.ts';
import type { BuildStore } from './build-store.ts';
import type { BuildLogReader, LogLine } from './builder.ts';
import { PAGE_DEFAULT, type Page } from './catalog.ts';
import type { CursorCodec } from './cursor.ts';
import type { ImageStore } from './image-store.ts';
import { requireBuild, requireImage } from './required-records.ts';
import type { Scope } from './scope.ts';

export const LOG_PAGE = 500;

export interface BuildReadsDependencies {
  images: ImageStore;
  builds: BuildStore;
  cursors: CursorCodec;
}

/** GET .../builds and GET .../builds/{buildId}. */
export class BuildReads {
  constructor(private readonly deps: BuildReadsDependencies) {}

  // Callers are authorized for the scope at the HTTP edge (lambdas/http/access.ts).

  async list(scope: Scope, name: string, request: { limit?: number; cursor?: string }): Promise<Page<Build>> {
    const binding = `builds|${scope.group ?? ''}|${name}`;
    const after = request.cursor ? this.deps.cursors.decode<string>(binding, request.cursor) : undefined;
    const [, page] = await Promise.all([
      requireImage(this.deps.images, scope, name),
      this.deps.builds.page(scope, name, { after, limit: request.limit ?? PAGE_DEFAULT }),
    ]);
    return { items: page.items.map(toBuild), nextCursor: page.next === null ? null : this.deps.cursors.encode(binding, page.next) };
  }

  async get(scope: Scope, name: string, buildId: string): Promise<Build> {
    return toBuild(await requireBuild(this.deps.builds, scope, name, buildId));
  }
}

export interface BuildLogPagesDependencies {
  builds: BuildStore;
  cursors: CursorCodec;
  logs: BuildLogReader;
}

/** GET .../builds/{buildId}/logs. */
export class BuildLogPages {
  constructor(private readonly deps: BuildLogPagesDependencies) {}

  /**
   * A page of the build's log. While the build runs, there is always a next cursor (more lines may
   * come); once it has finished and every line was read, nextCursor is null.
   */
  async logs(scope: Scope, name: string, buildId: string, cursor: string | undefined): Promise<{ lines: LogLine[]; nextCursor: string | null }> {
    const build = await requireBuild(this.deps.builds, scope, name, buildId);
    const binding = `logs|${scope.group ?? ''}|${name}|${buildId}`;
    const position = cursor ? this.deps.cursors.decode<string>(binding, cursor) : undefined;
    if (!build.builderId) return { lines: [], nextCursor: isTerminal(build.status) ? null : this.deps.cursors.encode(binding, position ?? '') };
    const { lines, next } = await this.deps.logs.read(build, position || undefined, LOG_PAGE);
    const more = lines.length === LOG_PAGE || !isTerminal(build.status);
    return { lines, nextCursor: more ? this.deps.cursors.encode(binding, next ?? position ?? '') : null };
  }
}
