/** Whether a pull secret exists, asked of Secrets Manager (metadata only: DescribeSecret never returns the value). */
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PullSecretDirectory, SecretRef } from '../domain/tenant-references.ts';

/** Under the service prefix, the group secrets' part: `<prefix>group/<group>/<name>`. System secrets are `<prefix><name>` (names have no "/"). */
export const GROUP_SECRETS = 'group/';

/** Where a group's pull secrets live: its own prefix under the service prefix. */
export const groupSecretPrefix = (prefix: string, group: string) => `${prefix}${GROUP_SECRETS}${group}/`;

/** The Secrets Manager name of a pull secret: the one place that maps a reference to a secret id (the build reads it by this id). */
export const pullSecretId = (prefix: string, ref: SecretRef) => (ref.group === null ? prefix : groupSecretPrefix(prefix, ref.group)) + ref.name;

export class SecretsManagerDirectory implements PullSecretDirectory {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
  ) {}

  async exists(ref: SecretRef): Promise<boolean> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: pullSecretId(this.prefix, ref) }));
      return !out.DeletedDate;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return false;
      throw e;
    }
  }
}
