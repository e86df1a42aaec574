/** Where built images and their layer caches go: content-addressed tags in two repositories (ECR in AWS). */
import { createHash } from 'node:crypto';
import type { ImageRegistry } from '../domain/builder.ts';
import { scopeKey, type Scope } from '../domain/scope.ts';

/**
 * Per-scope cache references, named by a hash of the scope so that two groups can never share (and
 * so poison) each other's layer cache, whatever characters their ids hold.
 */
export const cacheTagFor = (scope: Scope) => `scope-${createHash('sha256').update(scopeKey(scope)).digest('hex').slice(0, 24)}`;

export class RepositoryRegistry implements ImageRegistry {
  constructor(
    private readonly imageRepository: string,
    /** Empty: no registry cache (local CLIs keep their own). */
    private readonly cacheRepository: string,
  ) {}

  imageUrlFor(tag: string): string {
    return `${this.imageRepository}:${tag}`;
  }

  cacheRefFor(scope: Scope): string {
    return this.cacheRepository ? `${this.cacheRepository}:${cacheTagFor(scope)}` : '';
  }
}
