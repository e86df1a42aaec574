/** The secrets function: registry pull secrets, written and listed, never read back. */
import { PullSecrets, type PullSecretStore, type SecretUsage } from '../domain/pull-secrets.ts';
import { apiHandler } from '../http/api-handler.ts';
import { secretsOperations } from '../http/function-operations.ts';
import type { ClaimPorts, Clock } from './ports.ts';

export interface SecretsPorts extends ClaimPorts {
  secretStore: PullSecretStore;
  /** Which images use which secret (in the table), so a used secret is not deleted. */
  secretUsage: SecretUsage;
  clock: Clock;
}

export function secrets(p: SecretsPorts) {
  const pullSecrets = new PullSecrets(p.secretStore, p.secretUsage, p.clock.now);
  return { secrets: pullSecrets, handler: apiHandler('secrets', secretsOperations({ secrets: pullSecrets }), { claims: p.claims }) };
}
