/** Local mode's pull secret store: one file per secret under DATA_DIR/secrets (mode 0600). */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { PullSecretDirectory } from '../domain/catalog.ts';
import { SECRET_NAME } from '../domain/fields.ts';

export class LocalSecretDirectory implements PullSecretDirectory {
  constructor(private readonly dir: string) {}

  async exists(name: string): Promise<boolean> {
    if (!SECRET_NAME.test(name)) return false;
    return access(join(this.dir, `${name}.json`)).then(
      () => true,
      () => false,
    );
  }
}
