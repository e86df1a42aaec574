/**
 * Local mode's pull secret store: one file per secret under DATA_DIR/secrets, readable by this
 * user only (directory 0700, files 0600). The same shape as in Secrets Manager: the registry login
 * as a .dockerconfigjson, plus the metadata the API lists.
 */
import { access, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PullSecretDirectory } from '../domain/catalog.ts';
import { SECRET_NAME } from '../domain/fields.ts';
import { dockerConfigJson, type PullSecretMetadata, type PullSecretStore, type RegistryLogin } from '../domain/pull-secrets.ts';

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

/** The full local store: list, create or replace, delete. Writes are atomic (temp file + rename). */
export class LocalSecretStore extends LocalSecretDirectory implements PullSecretStore {
  constructor(private readonly root: string) {
    super(root);
  }

  async list(): Promise<PullSecretMetadata[]> {
    const names = await readdir(this.root).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
    const files = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(this.root, n), 'utf8')) as LocalSecretFile),
    );
    return files.map(({ name, registry, createdAt }) => ({ name, registry, createdAt }));
  }

  async put(name: string, login: RegistryLogin, at: string) {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const file = this.fileOf(name);
    const existing = await readFile(file, 'utf8').then((t) => JSON.parse(t) as LocalSecretFile, () => undefined);
    const record: LocalSecretFile = { name, registry: login.registry, createdAt: existing?.createdAt ?? at, updatedAt: at, dockerConfigJson: dockerConfigJson(login) };
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(record), { mode: 0o600 });
    await rename(temp, file);
    return { created: !existing, secret: { name, registry: record.registry, createdAt: record.createdAt } };
  }

  async remove(name: string): Promise<boolean> {
    return unlink(this.fileOf(name)).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
    );
  }
}
