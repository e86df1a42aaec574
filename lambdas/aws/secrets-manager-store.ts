/**
 * Pull secrets in Secrets Manager, one secret per name under the service prefix: system secrets as
 * `<prefix><name>`, a group's under its own prefix `<prefix>group/<group>/<name>`. The secret's value
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
import type { SecretRef } from '../domain/tenant-references.ts';
import { groupSecretPrefix, pullSecretId, SecretsManagerDirectory } from './secrets-manager-directory.ts';

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

  async list(group: string | null): Promise<PullSecretMetadata[]> {
    const prefix = group === null ? this.secretPrefix : groupSecretPrefix(this.secretPrefix, group);
    const items: PullSecretMetadata[] = [];
    let NextToken: string | undefined;
    do {
      const out = await this.sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], NextToken, MaxResults: 100 }));
      for (const s of out.SecretList ?? []) {
        // The system's list starts with every group's secrets' prefix too: a name with a "/" is a group's.
        if (!s.Name?.startsWith(prefix) || s.Name.slice(prefix.length).includes('/') || s.DeletedDate) continue;
        items.push({
          name: s.Name.slice(prefix.length),
          registry: s.Tags?.find((t) => t.Key === REGISTRY_TAG)?.Value ?? '',
          createdAt: (s.CreatedDate ?? new Date(0)).toISOString(),
        });
      }
      NextToken = out.NextToken;
    } while (NextToken);
    return items;
  }

  async put(ref: SecretRef, login: RegistryLogin, at: string): Promise<{ created: boolean; secret: PullSecretMetadata }> {
    const { name } = ref;
    const id = pullSecretId(this.secretPrefix, ref);
    const SecretString = dockerConfigJson(login);
    const tags = [{ Key: REGISTRY_TAG, Value: login.registry }];
    try {
      await this.sm.send(
        new CreateSecretCommand({ Name: id, SecretString, KmsKeyId: this.kmsKeyId, Tags: tags, Description: `Group Images pull secret for ${login.registry}` }),
      );
      return { created: true, secret: { name, registry: login.registry, createdAt: at } };
    } catch (e) {
      if ((e as Error).name !== 'ResourceExistsException') throw e;
    }
    await this.sm.send(new PutSecretValueCommand({ SecretId: id, SecretString }));
    await this.sm.send(new TagResourceCommand({ SecretId: id, Tags: tags }));
    const existing = (await this.list(ref.group)).find((s) => s.name === name);
    return { created: false, secret: { name, registry: login.registry, createdAt: existing?.createdAt ?? at } };
  }

  async remove(ref: SecretRef): Promise<boolean> {
    try {
      // Without recovery: a deleted name can be stored again at once, as the API promises.
      await this.sm.send(new DeleteSecretCommand({ SecretId: pullSecretId(this.secretPrefix, ref), ForceDeleteWithoutRecovery: true }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return false;
      throw e;
    }
  }
}
