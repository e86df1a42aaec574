/**
 * The single DynamoDB table's key design, shared by the store, the local table setup and CDK.
 *
 *   pk = "G#<group>" | "SYS"             one partition per scope: tenant isolation is structural
 *   sk = "IMG#<name>"                    an image
 *   sk = "BLD#<name>#<buildId>"          a build of that image (build ids sort by time)
 *   sk = "SPEC#<hash>"                   the build that produces a spec in this scope (reuse)
 */
import type { Scope } from '../domain/scope.ts';

export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

export const partitionOf = (scope: Scope) => (scope.group === null ? 'SYS' : `G#${scope.group}`);
export const IMAGE_PREFIX = 'IMG#';
export const imageKey = (name: string) => `${IMAGE_PREFIX}${name}`;
export const buildPrefix = (image: string) => `BLD#${image}#`;
export const buildKey = (image: string, buildId: string) => `${buildPrefix(image)}${buildId}`;
export const specKey = (hash: string) => `SPEC#${hash}`;

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
