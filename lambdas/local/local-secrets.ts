/**
 * Local mode's pull secret store: one file per secret under DATA_DIR/secrets (a group's under
 * DATA_DIR/secrets/groups/<group>/), readable by this user only (directories 0700, files 0600).
 * The same shape as in Secrets Manager: the registry login as a .dockerconfigjson, plus the
 * metadata the API lists.
 */
import { access, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GROUP_ID, SECRET_NAME } from '../domain/fields.ts';
import type { PullSecretDirectory, SecretRef } from '../domain/tenant-references.ts';
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

  /** The directory of one owner's secrets: the system's, or a group's own. */
  protected dirOf(group: string | null): string {
    if (group === null) return this.dir;
    if (!GROUP_ID.test(group)) throw new Error(`not a group id: ${group}`);
    return join(this.dir, 'groups', group);
  }

  protected fileOf(ref: SecretRef): string {
    if (!SECRET_NAME.test(ref.name)) throw new Error(`not a secret name: ${ref.name}`);
    return join(this.dirOf(ref.group), `${ref.name}.json`);
  }

  private static valid = (ref: SecretRef) => SECRET_NAME.test(ref.name) && (ref.group === null || GROUP_ID.test(ref.group));

  async exists(ref: SecretRef): Promise<boolean> {
    if (!LocalSecretDirectory.valid(ref)) return false;
    return access(this.fileOf(ref)).then(
      () => true,
      () => false,
    );
  }

  /** The registry login of a secret, for a local build (what CodeBuild resolves from Secrets Manager in AWS). */
  async dockerConfigJson(ref: SecretRef): Promise<string | undefined> {
    if (!LocalSecretDirectory.valid(ref)) return undefined;
    try {
      return (JSON.parse(await readFile(this.fileOf(ref), 'utf8')) as LocalSecretFile).dockerConfigJson;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}

/** The full local store: list, create or replace, delete. Writes are atomic (temp file + rename). */
export class LocalSecretStore extends LocalSecretDirectory implements PullSecretStore {
  constructor(root: string) {
    super(root);
  }

  async list(group: string | null): Promise<PullSecretMetadata[]> {
    const dir = this.dirOf(group);
    const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
    const files = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as LocalSecretFile),
    );
    return files.map(({ name, registry, createdAt }) => ({ name, registry, createdAt }));
  }

  async put(ref: SecretRef, login: RegistryLogin, at: string) {
    const { name } = ref;
    await mkdir(this.dirOf(ref.group), { recursive: true, mode: 0o700 });
    const file = this.fileOf(ref);
    const existing = await readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as LocalSecretFile,
      () => undefined,
    );
    const record: LocalSecretFile = {
      name,
      registry: login.registry,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
      dockerConfigJson: dockerConfigJson(login),
    };
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(record), { mode: 0o600 });
    await rename(temp, file);
    return { created: !existing, secret: { name, registry: record.registry, createdAt: record.createdAt } };
  }

  async remove(ref: SecretRef): Promise<boolean> {
    return unlink(this.fileOf(ref)).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
    );
  }
}
