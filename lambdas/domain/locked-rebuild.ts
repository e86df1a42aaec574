/**
 * Issue 18: "rebuild exactly": the spec of a build pinned to its lock. The base image is pinned to the
 * digest the build pulled; the apt and conda entries the spec named are pinned to the versions (and,
 * for conda, the build and channel) the lock holds; pip, whose lock is the environment as a whole,
 * gets every package of the lock pinned with `==` (so dependencies cannot float either). A build
 * without a lock, or a lock that cannot be written as a spec, is refused with a 422 on `lockedFrom`.
 */
import { buildSpecSchema, MAX_ENTRIES_PER_MANAGER, normaliseBuildSpec } from './build-spec.ts';
import type { BuildStore } from './build-store.ts';
import type { Scope } from './scope.ts';
import type { BuildRecord } from './build.ts';
import { invalidField, notFound } from './errors.ts';
import type { StoredBuildSpec } from './image.ts';

/** The rebuild command's field a refusal names. */
const FIELD = ['lockedFrom'];
/** An apt or conda entry's package name: what comes before its version, release or channel parts. */
const aptName = (entry: string) => /^[a-z0-9][a-z0-9+.-]*/.exec(entry)?.[0] ?? entry;
const condaName = (entry: string) => /^(?:[^:]+::)?([A-Za-z0-9_.-]+)/.exec(entry)?.[1] ?? entry;

/** The image reference without its tag or digest, then `@<digest>`. */
function pinnedImage(reference: string, digest: string): string {
  const named = reference.split('@')[0]!;
  const lastSlash = named.lastIndexOf('/');
  const tagAt = named.indexOf(':', lastSlash + 1);
  return `${tagAt === -1 ? named : named.slice(0, tagAt)}@${digest}`;
}

export function lockedSpecOf(source: BuildRecord): StoredBuildSpec {
  const facts = source.facts;
  const refuse = (why: string): never => invalidField(FIELD, `build ${source.id} cannot be rebuilt from its lock: ${why}`);
  if (source.status !== 'succeeded') refuse(`it ${source.status === 'failed' || source.status === 'cancelled' ? 'was' : 'is'} ${source.status}`);
  if (!facts) refuse(source.reused ? "it reused another build's image and has no lock of its own" : 'it reported no lock');
  if (!facts!.packages) refuse(facts!.lockOmitted ?? 'it has no lock');
  if (!facts!.baseImageDigest) refuse('the digest of its base image is unknown');
  const lock = facts!.packages!;
  const named = source.spec.packages;

  const apt = (named.apt ?? []).map((entry) => {
    const name = aptName(entry);
    const locked = lock.apt?.find((p) => p.name === name) ?? refuse(`its lock has no apt package "${name}"`);
    return `${name}=${locked.version}`;
  });
  const conda = (named.conda ?? []).map((entry) => {
    const name = condaName(entry);
    const locked = lock.conda?.find((p) => p.name === name) ?? refuse(`its lock has no conda package "${name}"`);
    return `${locked.channel}::${name}=${locked.version}=${locked.build}`;
  });
  const pip = named.pip?.length ? (lock.pip ?? refuse('its lock has no pip packages')).map((p) => `${p.name}==${p.version}`) : [];
  if (pip.length > MAX_ENTRIES_PER_MANAGER) refuse(`its lock holds ${pip.length} pip packages, more than the ${MAX_ENTRIES_PER_MANAGER} a spec may name`);

  return {
    baseImage: pinnedImage(source.spec.baseImage, facts!.baseImageDigest!),
    ...(source.spec.pullSecret ? { pullSecret: source.spec.pullSecret } : {}),
    packages: { ...(apt.length ? { apt } : {}), ...(conda.length ? { conda } : {}), ...(pip.length ? { pip } : {}) },
  };
}

/** The pinned spec of one of the image's builds, checked as any spec is (a 422 on `lockedFrom` when it does not pass). */
export async function lockedSpecFrom(builds: Pick<BuildStore, 'get'>, scope: Scope, image: string, buildId: string): Promise<StoredBuildSpec> {
  const source = await builds.get(scope, image, buildId);
  // A build that does not exist is a 404, as for every route naming one; one without a lock is a 422.
  if (!source) throw notFound(`image "${image}" has no build "${buildId}" to rebuild from`);
  const parsed = buildSpecSchema.safeParse(lockedSpecOf(source!));
  if (!parsed.success)
    invalidField(
      FIELD,
      `build ${buildId} cannot be rebuilt from its lock: its pinned spec is refused (${parsed.error.issues.map((i) => `/build/${i.path.join('/')}: ${i.message}`).join('; ')})`,
    );
  return normaliseBuildSpec(parsed.data!);
}
