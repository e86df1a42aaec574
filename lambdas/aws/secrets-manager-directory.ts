/** Whether a pull secret exists, asked of Secrets Manager (metadata only: DescribeSecret never returns the value). */
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PullSecretDirectory } from '../domain/catalog.ts';

export class SecretsManagerDirectory implements PullSecretDirectory {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
  ) {}

  async exists(name: string): Promise<boolean> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: this.prefix + name }));
      return !out.DeletedDate;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return false;
      throw e;
    }
  }
}
