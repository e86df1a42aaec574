import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV, required } from '../config.ts';
import { SecretsManagerStore } from '../aws/secrets-manager-store.ts';
import { DynamoSecretReferences } from '../store/secret-references.ts';
import { systemClock } from '../wiring/ports.ts';
import { secrets } from '../wiring/secrets.ts';
import { claimPortsFrom, table, type Env } from './aws-wiring.ts';

export function fromEnvironment(env: Env) {
  const { db, name } = table(env);
  return secrets({
    ...claimPortsFrom(env),
    secretStore: new SecretsManagerStore(new SecretsManagerClient({}), required(env, ENV.secretPrefix), env[ENV.secretsKmsKeyId] || undefined),
    secretUsage: new DynamoSecretReferences(db, name),
    clock: systemClock,
  });
}

export const { handler } = fromEnvironment(process.env);
