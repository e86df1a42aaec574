/**
 * Build reuse: identical build requests start one build (the build service over the real DynamoDB
 * stores on DynamoDB Local, with a recording builder in CodeBuild's place); and for a rebuild that adds
 * one pip package, which Dockerfile steps BuildKit can take from its cache, read from the two
 * rendered Dockerfiles and the buildspec's cache settings.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RepositoryRegistry } from '../lambdas/aws/repository-registry.ts';
import { withBuildServices } from './build-services.ts';
import { renderBuildContext } from '../lambdas/builds/build-context.ts';
import type { BuildSpec } from '../lambdas/domain/build-spec.ts';
import { BUILDSPEC_PATH } from '../lambdas/builds/buildspec-env.ts';
import type { Principal } from '../lambdas/domain/principal.ts';
import { groupScope } from '../lambdas/domain/scope.ts';
import { PROJECT_ROOT } from '../lib/bundling.ts';
import { FUNCTION_SETTINGS } from './lambda-env.ts';

const SCOPE = groupScope('team-a');
const ADMIN: Principal = { sub: 'ada', groups: new Set(['team-a']), adminGroups: new Set(['team-a']), systemAdmin: false };

export const BASE_SPEC: BuildSpec = {
  baseImage: 'quay.io/jupyter/scipy-notebook:2024-05-27',
  packages: { apt: ['curl', 'libgomp1'], conda: ['conda-forge::xgboost>=2.0'], pip: ['requests==2.32.3', 'polars==1.2.0'] },
};
/** The same spec with one more pip package. */
export const PLUS_ONE_PIP: BuildSpec = { ...BASE_SPEC, packages: { ...BASE_SPEC.packages, pip: [...BASE_SPEC.packages.pip!, 'rich==13.7.1'] } };

export interface ReuseResult {
  method: string;
  concurrentRequests: number;
  laterRequests: number;
  buildsStarted: number;
  reused: number;
  distinctImageUrls: number;
  statuses: Record<string, number>;
}

/** N identical create-with-build requests at once, the leader succeeds, then `later` more identical requests one by one. */
export async function measureBuildReuse(options: { concurrent: number; later: number }): Promise<ReuseResult> {
  return withBuildServices('build-reuse', {}, async ({ images, builder, service, reads, catalog }) => {
    const create = (i: number) => catalog.create(ADMIN, SCOPE, { displayName: `same.spec.${i}`, type: 'cpu', build: BASE_SPEC });

    const first = await Promise.all(Array.from({ length: options.concurrent }, (_, i) => create(i)));
    const leader = builder.started[0];
    if (leader) await service.reports.progress(SCOPE, leader.build.image, leader.build.id, { status: 'succeeded', at: new Date().toISOString() });
    const later = [];
    for (let i = 0; i < options.later; i++) later.push(await create(options.concurrent + i));

    const builds = await Promise.all(
      [...first, ...later].map(async ({ image }) => {
        const stored = await images.get(SCOPE, image.name);
        return reads.get(SCOPE, image.name, stored!.latestBuild!.id);
      }),
    );
    const statuses: Record<string, number> = {};
    for (const b of builds) statuses[b.status] = (statuses[b.status] ?? 0) + 1;
    return {
      method:
        'BuildLifecycle and ImageCatalogWrites over the DynamoDB stores on an in-memory DynamoDB Local, a recording builder in place of CodeBuild. ' +
        `${options.concurrent} identical create-with-build requests at once (Promise.all), then the leader build reports success, then ${options.later} more identical requests one by one.`,
      concurrentRequests: options.concurrent,
      laterRequests: options.later,
      buildsStarted: builder.started.length,
      reused: builds.filter((b) => b.reused).length,
      distinctImageUrls: new Set(builds.map((b) => b.imageUrl)).size,
      statuses,
    };
  });
}

export interface DockerfileStep {
  instruction: string;
  /** What the step's cache key depends on besides its text: the files it copies. */
  inputs: string[];
  cached: boolean;
}

export interface LayerCacheResult {
  method: string;
  change: string;
  steps: DockerfileStep[];
  cachedSteps: number;
  rebuiltSteps: number;
  firstChanged: string | null;
  buildspec: { cacheFrom: string[]; cacheTo: string[]; builder: string[]; cacheRefExample: string };
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
export function instructionsOf(dockerfile: string): string[] {
  const steps: string[] = [];
  let current = '';
  for (const line of dockerfile.split('\n')) {
    if (!current && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    current += current ? `\n${line}` : line;
    if (!line.endsWith('\\')) {
      steps.push(current);
      current = '';
    }
  }
  if (current) steps.push(current);
  return steps;
}

/** A step's first line; a RUN step named by what it installs ("RUN … installing pip packages"). */
export function labelOf(step: string): string {
  const first = step.split('\n')[0]!.replace(/\s*\\$/, '');
  const installs = /group-images: (installing \w+ packages)/.exec(step)?.[1];
  return first.startsWith('RUN') && installs ? `RUN … ${installs}` : first;
}

/**
 * BuildKit reuses a step's cached layer while the step's text and inputs (the content of what a
 * COPY copies) and everything before it are unchanged: the first changed step and all after it run.
 */
export function cachedSteps(before: Record<string, string>, after: Record<string, string>): DockerfileStep[] {
  const key = (files: Record<string, string>, step: string) => {
    const copied = /^(?:COPY|ADD)\s+(.+)\s+\S+$/.exec(step.split('\n')[0]!)?.[1]?.split(/\s+/) ?? [];
    return { copied, key: JSON.stringify([step, copied.map((f) => files[f] ?? null)]) };
  };
  const old = instructionsOf(before.Dockerfile!).map((s) => key(before, s).key);
  let changed = false;
  return instructionsOf(after.Dockerfile!).map((step, i) => {
    const { copied, key: k } = key(after, step);
    changed ||= old[i] !== k;
    return { instruction: labelOf(step), inputs: copied, cached: !changed };
  });
}

export async function measureLayerCache(): Promise<LayerCacheResult> {
  const steps = cachedSteps(renderBuildContext(BASE_SPEC).files, renderBuildContext(PLUS_ONE_PIP).files);
  const text = await readFile(join(PROJECT_ROOT, BUILDSPEC_PATH), 'utf8');
  const build = (parse(text) as { phases: { build: { commands: string[] } } }).phases.build.commands.join('\n');
  const flagLines = (flag: string) =>
    build
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes(flag));
  const firstChanged = steps.find((s) => !s.cached);
  return {
    method:
      'renderBuildContext (lambdas/builds/build-context.ts) for the spec and for the spec plus one pip package; a step is cached while its text, the content of the files it COPYs, ' +
      `and every step before it are unchanged (BuildKit's cache key). Cache settings read from ${BUILDSPEC_PATH} (build phase).`,
    change: `pip + ${PLUS_ONE_PIP.packages.pip!.at(-1)} (apt, conda and the base image unchanged)`,
    steps,
    cachedSteps: steps.filter((s) => s.cached).length,
    rebuiltSteps: steps.filter((s) => !s.cached).length,
    firstChanged: firstChanged?.instruction ?? null,
    buildspec: {
      cacheFrom: flagLines('--cache-from'),
      cacheTo: flagLines('--cache-to'),
      builder: flagLines('buildx create'),
      cacheRefExample: new RepositoryRegistry(FUNCTION_SETTINGS.IMAGE_REPOSITORY_URI!, FUNCTION_SETTINGS.CACHE_REPOSITORY_URI!).cacheRefFor(SCOPE),
    },
  };
}
