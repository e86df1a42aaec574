/** HTTP glue for the build routes: authorize (access.ts), parse into the build lifecycle's command, one call, response out. */
import type { BuildLifecycle } from '../domain/build-lifecycle.ts';
import type { BuildLogPages, BuildReads } from '../domain/build-reads.ts';
import { reader, writer } from './access.ts';
import type { Operations } from './api-handler.ts';
import { imagesPath } from './image-operations.ts';
import { buildIdOf, imageNameOf, parseBody, parseQuery, scopeOf } from './request-parts.ts';
import { cursorQuery, logsQuery, rebuildBody } from './request-schemas.ts';
import { answeringAt, inBody } from './request-validation.ts';
import { conflict } from '../domain/errors.ts';
import { sbomOf, SBOM_MEDIA_TYPE } from '../domain/sbom.ts';

export function buildReadOperations(builds: BuildReads): Operations {
  return {
    listBuilds: async (request) => {
      const scope = scopeOf(request);
      reader(request, scope);
      const query = parseQuery(cursorQuery, request);
      return { status: 200, body: await builds.list(scope, imageNameOf(request), query) };
    },
    getBuild: async (request) => {
      const [scope, name, buildId] = [scopeOf(request), imageNameOf(request), buildIdOf(request)];
      reader(request, scope);
      return { status: 200, body: await builds.get(scope, name, buildId) };
    },
    // Issue 18 (lambdas/domain/sbom.ts).
    getBuildSbom: async (request) => {
      const [scope, name, buildId] = [scopeOf(request), imageNameOf(request), buildIdOf(request)];
      reader(request, scope);
      const build = await builds.get(scope, name, buildId);
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
      const [name, scope] = [imageNameOf(request), scopeOf(request)];
      const caller = writer(request, scope);
      // No body rebuilds the current spec; a body must be the object, so `null` is refused.
      const command = parseBody(rebuildBody, request, {});
      const build = await answeringAt(inBody, () => builds.rebuild(caller, scope, name, command));
      return { status: 202, body: build, headers: { location: `${imagesPath(request)}/${name}/builds/${build.id}` } };
    },
    cancelBuild: async (request) => {
      const [scope, name, buildId] = [scopeOf(request), imageNameOf(request), buildIdOf(request)];
      writer(request, scope);
      return { status: 202, body: await builds.cancel(scope, name, buildId) };
    },
  };
}

export function buildLogOperations(builds: BuildLogPages): Operations {
  return {
    getBuildLogs: async (request) => {
      const scope = scopeOf(request);
      reader(request, scope);
      const { cursor } = parseQuery(logsQuery, request);
      return { status: 200, body: await builds.logs(scope, imageNameOf(request), buildIdOf(request), cursor) };
    },
  };
}
