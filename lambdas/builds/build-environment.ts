/**
 * The environment of one build, shaped like CodeBuild's StartBuild `environmentVariablesOverride`.
 * The builds function passes it to CodeBuild; the local runner turns it into a process environment
 * (resolving the SECRETS_MANAGER entry itself), so both feed the buildspec the same variables.
 */
import { renderBuildContext } from './build-context.ts';
import type { BuildSpec } from './build-spec.ts';
import { BUILDSPEC_ENV } from './buildspec-env.ts';
import { buildContextVariables } from './context-transport.ts';

export interface BuildVariable {
  name: string;
  value: string;
  type: 'PLAINTEXT' | 'SECRETS_MANAGER';
}

export interface BuildTarget {
  /** `<registry>/<repository>:<content tag>` (see imageTagFor). */
  imageUri: string;
  /** BuildKit registry cache reference for the scope; omitted: no shared layer cache. */
  cacheRef?: string;
  /** Secrets Manager id (name or ARN) of the build's pull secret; its value reaches the build only as a secret. */
  pullSecretId?: string;
}

export function buildVariables(spec: BuildSpec, target: BuildTarget): BuildVariable[] {
  const plain = (name: string, value: string): BuildVariable => ({ name, value, type: 'PLAINTEXT' });
  const vars = [plain(BUILDSPEC_ENV.baseImage, spec.baseImage), plain(BUILDSPEC_ENV.imageUri, target.imageUri)];
  if (target.cacheRef) vars.push(plain(BUILDSPEC_ENV.cacheRef, target.cacheRef));
  for (const [name, value] of Object.entries(buildContextVariables(renderBuildContext(spec).files))) vars.push(plain(name, value));
  if (target.pullSecretId) vars.push({ name: BUILDSPEC_ENV.pullSecretJson, value: target.pullSecretId, type: 'SECRETS_MANAGER' });
  return vars;
}
