/**
 * The build services' dependencies are required by type: a function wired without one does not
 * compile (`tsc --noEmit`, part of `npm test`, fails on an @ts-expect-error that finds no error), so
 * a missing builder is never a 503 at run time. The jest part checks the wiring that does compile.
 */
import { describe, expect, it } from '@jest/globals';
import { BuildLifecycle, BuildReconciler, BuildReports, type BuildLifecycleDependencies } from '../../../lambdas/domain/build-lifecycle.ts';
import { BuildLogPages, BuildReads } from '../../../lambdas/domain/build-reads.ts';

/** Compiled only: never called. */
export function wiringThatMustNotCompile(deps: BuildLifecycleDependencies) {
  const { builder: _builder, ...withoutBuilder } = deps;
  const { registry: _registry, ...withoutRegistry } = deps;
  const { secrets: _secrets, ...withoutSecrets } = deps;
  const { logs: _logs, ...withoutLogs } = deps;
  const { maxConcurrentBuildsPerGroup: _limit, ...withoutLimit } = deps;
  return [
    // @ts-expect-error a lifecycle starts builds: it needs a builder
    new BuildLifecycle(withoutBuilder),
    // @ts-expect-error a lifecycle names its images' urls: it needs a registry
    new BuildLifecycle(withoutRegistry),
    // @ts-expect-error a lifecycle checks the pull secret a spec names
    new BuildLifecycle(withoutSecrets),
    // @ts-expect-error the build quota is decided here: say it, even when there is none (undefined)
    new BuildLifecycle(withoutLimit),
    // @ts-expect-error reading no build log is said explicitly (null), never left out
    new BuildReports(withoutLogs),
    // @ts-expect-error the reconciler asks the builder
    new BuildReconciler(withoutBuilder),
    // @ts-expect-error a log page needs a log reader
    new BuildLogPages({ builds: deps.builds, cursors: { encode: () => '', decode: () => undefined as never } }),
  ];
}

describe('the build services', () => {
  it('are separate classes, one per function that uses them', () => {
    expect(new Set([BuildLifecycle, BuildReports, BuildReconciler, BuildReads, BuildLogPages]).size).toBe(5);
    expect(typeof wiringThatMustNotCompile).toBe('function');
  });
});
