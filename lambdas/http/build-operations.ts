/** HTTP glue for the build routes. */
import type { BuildLifecycle } from '../domain/build-lifecycle.ts';
import type { BuildLogPages, BuildReads } from '../domain/build-reads.ts';
import { assertCanRead } from '../domain/principal.ts';
import type { ApiRequest, Operations } from './api-handler.ts';
import { imagesPath } from './image-operations.ts';
import { buildIdOf, cursorQuery, imageNameOf, parseQuery, scopeOf } from './request-parts.ts';
import * as z from 'zod/mini';
import { conflict } from '../domain/errors.ts';
import { sbomOf, SBOM_MEDIA_TYPE } from '../domain/sbom.ts';

const caller = (request: ApiRequest) => request.principal!;
export const logsQuery = z.strictObject({ cursor: cursorQuery.shape.cursor });

export function buildReadOperations(builds: BuildReads): Operations {
  return {
    listBuilds: async (request) => {
      // Authorization before validation: a caller who may not read the history learns nothing from a 422.
      assertCanRead(caller(request), scopeOf(request));
      const query = parseQuery(cursorQuery, request);
      return { status: 200, body: await builds.list(caller(request), scopeOf(request), imageNameOf(request), query) };
    },
    getBuild: async (request) => ({ status: 200, body: await builds.get(caller(request), scopeOf(request), imageNameOf(request), buildIdOf(request)) }),
    // Issue 18 (lambdas/domain/sbom.ts).
    getBuildSbom: async (request) => {
      const build = await builds.get(caller(request), scopeOf(request), imageNameOf(request), buildIdOf(request));
      if (build.status !== 'succeeded' || !build.facts?.packages) {
        const why =
          build.status !== 'succeeded'
            ? `it is ${build.status}`
            : build.facts
              ? (build.facts.lockOmitted ?? 'it reported no lock')
              : build.reused
                ? "it reused another build's image and has no facts of its own"
                : 'it reported no facts';
        throw conflict(`build ${build.id} has no bill of materials: ${why}`);
      }
      return {
        status: 200,
        body: sbomOf({ ...build, facts: { ...build.facts, packages: build.facts.packages } }),
        headers: { 'content-type': SBOM_MEDIA_TYPE },
      };
    },
  };
}

export function buildWriteOperations(builds: BuildLifecycle): Operations {
  return {
    startBuild: async (request) => {
      const name = imageNameOf(request);
      const build = await builds.rebuild(caller(request), scopeOf(request), name, request.body);
      return { status: 202, body: build, headers: { location: `${imagesPath(request)}/${name}/builds/${build.id}` } };
    },
    cancelBuild: async (request) => ({ status: 202, body: await builds.cancel(caller(request), scopeOf(request), imageNameOf(request), buildIdOf(request)) }),
  };
}

export function buildLogOperations(builds: BuildLogPages): Operations {
  return {
    getBuildLogs: async (request) => {
      assertCanRead(caller(request), scopeOf(request));
      const { cursor } = parseQuery(logsQuery, request);
      return { status: 200, body: await builds.logs(caller(request), scopeOf(request), imageNameOf(request), buildIdOf(request), cursor) };
    },
  };
}
