/**
 * The single DynamoDB table's key design, shared by the store, the local table setup and CDK.
 *
 *   pk = "G#<group>" | "SYS"             one partition per scope: tenant isolation is structural
 *   sk = "IMG#<name>"                    an image
 *   sk = "BLD#<name>#<buildId>"          a build of that image (build ids sort by time)
 *   sk = "SPEC#<hash>"                   the build that produces a spec in this scope (reuse)
 *   sk = "WORD#<beginning>#<name>"       search index: the image has a word beginning so (keys only)
 *   sk = "QUOTA"                         (groups) images held, builds queued or running (quota.ts)
 *
 *   pk = "SECRETS", sk = "SECRET#<ref>"   a pull secret (`<name>` or `<group>/<name>`) images may name, and their references (secret-references.ts)
 *   pk = "RETIRING", sk = "TAG#<tag>"    image retirement: a built image nothing points at, since when
 */
import { SELECTION_FIELDS } from '../domain/image-store.ts';
import type { Scope } from '../domain/scope.ts';

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

export const SECRETS_PARTITION = 'SECRETS';

export const partitionOf = (scope: Scope) => (scope.group === null ? 'SYS' : `G#${scope.group}`);
export const IMAGE_PREFIX = 'IMG#';
export const imageKey = (name: string) => `${IMAGE_PREFIX}${name}`;
export const buildPrefix = (image: string) => `BLD#${image}#`;
export const buildKey = (image: string, buildId: string) => `${buildPrefix(image)}${buildId}`;
export const specKey = (hash: string) => `SPEC#${hash}`;
/** Words hold letters and digits only, so "#" ends the beginning; names never contain "#". */
export const wordPrefix = (beginning: string) => `WORD#${beginning}#`;
export const wordKey = (beginning: string, name: string) => `${wordPrefix(beginning)}${name}`;

/**
 * A sparse index of unfinished builds: a build carries these attributes only while queued or
 * building, so the reconciler finds stuck builds with one Query instead of a Scan.
 */
export const RUNNING_INDEX = { name: 'running', partition: 'runningPk', sort: 'runningSk' } as const;
export const RUNNING_PARTITION = 'RUNNING';

/**
 * Sparse indexes of images by the pull secret they use (to run them, and to build them), so that a
 * secret still in use is found with a Query instead of a Scan.
 */
export const SECRET_USE_INDEXES = [
  { name: 'byPullSecret', partition: 'pullSecret' },
  { name: 'byBuildPullSecret', partition: 'buildPullSecret' },
] as const;

/**
 * Sparse indexes of the images that run on each instance type (universal images are in both), in
 * name order per scope: the image selection for a type reads one page of one index. Only the fields
 * a selection shows (SELECTION_FIELDS) are projected.
 */
export const SELECTION_INDEXES = {
  cpu: { name: 'selectCpu', partition: 'cpuPk' },
  gpu: { name: 'selectGpu', partition: 'gpuPk' },
} as const;

/** Every global secondary index, as the local table and CDK both create it. */
export interface IndexDefinition {
  name: string;
  partition: string;
  sort?: string;
  /** ALL, KEYS_ONLY, or the non-key attributes it carries. */
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}
export const GLOBAL_INDEXES: readonly IndexDefinition[] = [
  { ...RUNNING_INDEX, projection: 'ALL' }, // a handful of small items
  ...SECRET_USE_INDEXES.map((index) => ({ ...index, projection: 'KEYS_ONLY' as const })), // the answer is "is there any"
  ...Object.values(SELECTION_INDEXES).map((index) => ({ ...index, sort: TABLE_KEYS.sort, projection: SELECTION_FIELDS })),
];

/** Image retirement's marks: the built images found unreferenced, and since when (lambdas/domain/image-retirement.ts). */
export const RETIRING_PARTITION = 'RETIRING';
export const retiringKey = (tag: string) => `TAG#${tag}`;
