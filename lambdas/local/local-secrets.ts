/**
 * Local mode's pull secret store: one file per secret under DATA_DIR/secrets, readable by this
 * user only (directory 0700, files 0600). The same shape as in Secrets Manager: the registry login
 * as a .dockerconfigjson, plus the metadata the API lists.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PullSecretDirectory } from '../domain/catalog.ts';
import { SECRET_NAME } from '../domain/fields.ts';

export interface LocalSecretFile {
  name: string;
  registry: string;
  createdAt: string;
  updatedAt: string;
  dockerConfigJson: string;
}

export class LocalSecretDirectory implements PullSecretDirectory {
  constructor(private readonly dir: string) {}

  protected fileOf(name: string): string {
    if (!SECRET_NAME.test(name)) throw new Error(`not a secret name: ${name}`);
    return join(this.dir, `${name}.json`);
  }

  async exists(name: string): Promise<boolean> {
    if (!SECRET_NAME.test(name)) return false;
    return access(this.fileOf(name)).then(
      () => true,
      () => false,
    );
  }

  /** The registry login of a secret, for a local build (what CodeBuild resolves from Secrets Manager in AWS). */
  async dockerConfigJson(name: string): Promise<string | undefined> {
    if (!SECRET_NAME.test(name)) return undefined;
    try {
      return (JSON.parse(await readFile(this.fileOf(name), 'utf8')) as LocalSecretFile).dockerConfigJson;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}
