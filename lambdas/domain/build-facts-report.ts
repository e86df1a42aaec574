/**
 * The facts a build reports, read back from its own log: the buildspec prints them, after a built
 * image, as `FACTS [<nonce>] <i>/<n> <chunk>` lines, the chunks being one gzipped JSON report in
 * base64. The nonce is the build's own (as in its failure markers), which the Dockerfile's RUN steps
 * never see, so no line a package prints passes for a report. The same log is read locally and from
 * CloudWatch Logs, so local builds test the AWS path's parser too.
 *
 * Everything in the report came out of the image (a user's base image and packages): every field is
 * validated and bounded here, and what does not fit is left out rather than trusted.
 */
import { gunzipSync } from 'node:zlib';
import * as z from 'zod/mini';
import { failureNonceOf } from '../builds/buildspec-env.ts';
import type { AptPackage, BuildFacts, CondaPackage, PackageLock, PipPackage } from './build-facts.ts';

export const factsMarker = (nonce: string) => `FACTS [${nonce}] `;

/** Bounds: what the buildspec may report, and what a build record keeps (DynamoDB items stop at 400 KB). */
export const FACTS_LIMITS = { reportChars: 256 * 1024, unzippedBytes: 16 << 20, packagesPerManager: 4000, keptLockBytes: 200 * 1024 } as const;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const count = z.nullable(z.number().check(z.int(), z.nonnegative(), z.maximum(1e15)));
const lockText = z.nullable(z.string());
const reportSchema = z.object({
  digest: z.nullable(z.string()),
  sizeBytes: count,
  layers: count,
  cachedLayers: count,
  baseLayers: count,
  baseImageDigest: z.nullable(z.string()),
  lock: z.nullable(z.object({ apt: lockText, conda: lockText, pip: lockText })),
  lockOmitted: z.optional(z.string().check(z.maxLength(300))),
});

// What a package manager may name: Debian policy's package names and versions, PEP 503 names, conda's.
const APT_NAME = /^[a-z0-9][a-z0-9+.-]{0,199}$/;
const APT_VERSION = /^[A-Za-z0-9.+~:-]{1,200}$/;
const APT_ARCH = /^[a-z0-9-]{1,40}$/;
const PIP_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,198}[A-Za-z0-9])?$/;
const PIP_VERSION = /^[A-Za-z0-9.+!_-]{1,100}$/;
const CONDA_FIELD = /^[A-Za-z0-9._+!-]{1,200}$/;
const CONDA_CHANNEL = /^[A-Za-z0-9._/:-]{1,300}$/;

const bounded = <T>(entries: T[]) => entries.slice(0, FACTS_LIMITS.packagesPerManager);

/** `name<TAB>version<TAB>architecture` per line, as the template's dpkg-query writes it. */
export function parseAptLock(text: string): AptPackage[] {
  return bounded(
    text.split('\n').flatMap((line) => {
      const [name = '', version = '', architecture = ''] = line.split('\t');
      return APT_NAME.test(name) && APT_VERSION.test(version) && APT_ARCH.test(architecture) ? [{ name, version, architecture }] : [];
    }),
  );
}

/** `pip freeze --all`: `name==version` lines; editable and direct-URL lines name no version and are left out. */
export function parsePipFreeze(text: string): PipPackage[] {
  return bounded(
    text.split('\n').flatMap((line) => {
      const m = /^([^=\s]+)==(\S+)$/.exec(line.trim());
      return m && PIP_NAME.test(m[1]!) && PIP_VERSION.test(m[2]!) ? [{ name: m[1]!, version: m[2]! }] : [];
    }),
  );
}

/** `conda list --json`: an array of {channel, name, version, build_string}. */
export function parseCondaList(text: string): CondaPackage[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return bounded(
    list.flatMap((p: Record<string, unknown>) => {
      const entry = { channel: p?.channel, name: p?.name, version: p?.version, build: p?.build_string };
      const ok =
        typeof entry.channel === 'string' &&
        CONDA_CHANNEL.test(entry.channel) &&
        [entry.name, entry.version, entry.build].every((f) => typeof f === 'string' && CONDA_FIELD.test(f));
      return ok ? [entry as CondaPackage] : [];
    }),
  );
}

/** The reported report's chunks, in order, when all of them are there (the last report wins). */
function reportText(messages: string[], builderId: string): string | undefined {
  const marker = factsMarker(failureNonceOf(builderId));
  let chunks: string[] = [];
  let expected = 0;
  for (const message of messages) {
    const line = message.trim();
    if (!line.startsWith(marker)) continue;
    const m = /^(\d{1,4})\/(\d{1,4}) ([A-Za-z0-9+/=]+)$/.exec(line.slice(marker.length));
    if (!m) continue;
    const [i, n] = [Number(m[1]), Number(m[2])];
    if (i === 1) [chunks, expected] = [[], n];
    if (n !== expected || i !== chunks.length + 1) continue;
    chunks.push(m[3]!);
  }
  const text = chunks.join('');
  return expected > 0 && chunks.length === expected && text.length <= FACTS_LIMITS.reportChars ? text : undefined;
}

/** The facts in a build's log lines, or undefined when it reported none (or none that holds together). */
export function factsIn(messages: string[], builderId: string): BuildFacts | undefined {
  const text = reportText(messages, builderId);
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(gunzipSync(Buffer.from(text, 'base64'), { maxOutputLength: FACTS_LIMITS.unzippedBytes }).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const r = parsed.data;
  const layers = r.layers;
  const reused = r.baseLayers === null && r.cachedLayers === null ? null : (r.baseLayers ?? 0) + (r.cachedLayers ?? 0);
  let packages: PackageLock | null = r.lock && {
    apt: r.lock.apt === null ? null : parseAptLock(r.lock.apt),
    conda: r.lock.conda === null ? null : parseCondaList(r.lock.conda),
    pip: r.lock.pip === null ? null : parsePipFreeze(r.lock.pip),
  };
  let lockOmitted = packages ? null : (r.lockOmitted ?? 'the build reported no lock');
  if (packages && JSON.stringify(packages).length > FACTS_LIMITS.keptLockBytes) {
    [packages, lockOmitted] = [null, `the lock is larger than the ${FACTS_LIMITS.keptLockBytes / 1024} KiB a build record keeps`];
  }
  return {
    digest: r.digest !== null && DIGEST.test(r.digest) ? r.digest : null,
    sizeBytes: r.sizeBytes,
    layers,
    // A step's output could add a cache line: never more reused layers than the image has.
    reusedLayers: reused === null ? null : layers === null ? reused : Math.min(reused, layers),
    baseImageDigest: r.baseImageDigest !== null && DIGEST.test(r.baseImageDigest) ? r.baseImageDigest : null,
    packages,
    lockOmitted,
  };
}
