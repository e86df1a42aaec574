/**
 * Pull secrets in Secrets Manager, one secret per name under the service prefix. The secret's value
 * is the registry login as a .dockerconfigjson (what CodeBuild hands the build); the registry is a
 * tag, so listing never reads a value.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  TagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { dockerConfigJson, type PullSecretMetadata, type PullSecretStore, type RegistryLogin } from '../domain/pull-secrets.ts';
import { SecretsManagerDirectory } from './secrets-manager-directory.ts';

const REGISTRY_TAG = 'group-images:registry';

export class SecretsManagerStore extends SecretsManagerDirectory implements PullSecretStore {
  constructor(
    private readonly sm: SecretsManagerClient,
    private readonly secretPrefix: string,
    /** A customer-managed KMS key for the secrets, when the deployment names one. */
    private readonly kmsKeyId?: string,
  ) {
    super(sm, secretPrefix);
  }

  async list(): Promise<PullSecretMetadata[]> {
    const items: PullSecretMetadata[] = [];
    let NextToken: string | undefined;
    do {
      const out = await this.sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [this.secretPrefix] }], NextToken, MaxResults: 100 }));
      for (const s of out.SecretList ?? []) {
        if (!s.Name?.startsWith(this.secretPrefix) || s.DeletedDate) continue;
        items.push({
          name: s.Name.slice(this.secretPrefix.length),
          registry: s.Tags?.find((t) => t.Key === REGISTRY_TAG)?.Value ?? '',
          createdAt: (s.CreatedDate ?? new Date(0)).toISOString(),
        });
      }
      NextToken = out.NextToken;
    } while (NextToken);
    return items;
  }

  async put(name: string, login: RegistryLogin, at: string): Promise<{ created: boolean; secret: PullSecretMetadata }> {
    const SecretString = dockerConfigJson(login);
    const tags = [{ Key: REGISTRY_TAG, Value: login.registry }];
    try {
      await this.sm.send(
        new CreateSecretCommand({ Name: this.secretPrefix + name, SecretString, KmsKeyId: this.kmsKeyId, Tags: tags, Description: `Group Images pull secret for ${login.registry}` }),
      );
      return { created: true, secret: { name, registry: login.registry, createdAt: at } };
    } catch (e) {
      if ((e as Error).name !== 'ResourceExistsException') throw e;
    }
    const id = this.secretPrefix + name;
    await this.sm.send(new PutSecretValueCommand({ SecretId: id, SecretString }));
    await this.sm.send(new TagResourceCommand({ SecretId: id, Tags: tags }));
    const existing = (await this.list()).find((s) => s.name === name);
    return { created: false, secret: { name, registry: login.registry, createdAt: existing?.createdAt ?? at } };
  }

  async remove(name: string): Promise<boolean> {
    try {
      // Without recovery: a deleted name can be stored again at once, as the API promises.
      await this.sm.send(new DeleteSecretCommand({ SecretId: this.secretPrefix + name, ForceDeleteWithoutRecovery: true }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return false;
      throw e;
    }
  }
}
