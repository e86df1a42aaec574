import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { claimNamesFrom, ENV, required } from '../config.ts';
import { SecretsManagerStore } from '../aws/secrets-manager-store.ts';
import { PullSecrets } from '../domain/pull-secrets.ts';
import { apiHandler } from '../http/api-handler.ts';
import { secretsOperations } from '../http/function-operations.ts';
import { env, secretReferences } from './aws-wiring.ts';

const store = new SecretsManagerStore(new SecretsManagerClient({}), required(env, ENV.secretPrefix), env[ENV.secretsKmsKeyId] || undefined);
const secrets = new PullSecrets(store, secretReferences());

export const handler = apiHandler('secrets', secretsOperations({ secrets }), { claims: claimNamesFrom(env) });
