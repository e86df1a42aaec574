/**
 * Registry pull secrets. System secrets: system admins store them, every group may use them, group
 * and system admins see their names. Group secrets: that group's admins (and system admins) store
 * and list them, only that group's images and builds may use them; members and other groups see
 * nothing. Never a credential in an answer. How images name them: tenant-references.ts.
 */
import { conflict, notFound } from './errors.ts';
import { SECRET_NAME } from './fields.ts';
import { secretReferenceText, type PullSecretDirectory, type SecretRef } from './tenant-references.ts';

export interface PullSecretMetadata {
  name: string;
  registry: string;
  createdAt: string;
}

export interface RegistryLogin {
  registry: string;
  username: string;
  password: string;
}

export interface PullSecretStore extends PullSecretDirectory {
  /** One owner's secrets: the system's (null) or a group's. */
  list(group: string | null): Promise<PullSecretMetadata[]>;
  /** Creates or replaces; says which. */
  put(ref: SecretRef, login: RegistryLogin, at: string): Promise<{ created: boolean; secret: PullSecretMetadata }>;
  /** False if there was no such secret. */
  remove(ref: SecretRef): Promise<boolean>;
}

/**
 * Which secrets images may name, kept where image writes check it in their own transaction: a secret
 * is declared once stored, and retired (false: an image or build spec still names it) before it is
 * deleted. Both take the secret's reference text (`<name>` or `<group>/<name>`), which names one
 * secret anywhere.
 */
export interface SecretUsage {
  declare(reference: string): Promise<void>;
  retire(reference: string): Promise<boolean>;
}

/** The registry login in the form container tools read (a Kubernetes `.dockerconfigjson`). */
export function dockerConfigJson(login: RegistryLogin): string {
  const auth = Buffer.from(`${login.username}:${login.password}`).toString('base64');
  return JSON.stringify({ auths: { [login.registry]: { username: login.username, password: login.password, auth } } });
}

export class PullSecrets {
  constructor(
    private readonly store: PullSecretStore,
    private readonly usage: SecretUsage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // The caller is authorized by the HTTP edge (lambdas/http/access.ts), with the rules of
  // domain/principal.ts (canListSecrets, assertCanManageSecrets), once per request.

  /** The system secrets (group null), which every group may use, or a group's own. */
  async list(group: string | null): Promise<{ items: PullSecretMetadata[] }> {
    const items = await this.store.list(group);
    return { items: items.sort((a, b) => a.name.localeCompare(b.name)) };
  }

  /** Creates or replaces a secret of the system (group null) or of a group, under a name the caller checked (SECRET_NAME). */
  async put(group: string | null, name: string, login: RegistryLogin): Promise<{ created: boolean; secret: PullSecretMetadata }> {
    const stored = await this.store.put({ group, name }, login, this.now().toISOString());
    await this.usage.declare(secretReferenceText({ group, name }));
    return stored;
  }

  async delete(group: string | null, name: string): Promise<void> {
    const ref: SecretRef = { group, name };
    const label = secretReferenceText(ref);
    if (!SECRET_NAME.test(name) || !(await this.store.exists(ref))) throw notFound(`no pull secret "${label}"`);
    if (!(await this.usage.retire(label))) throw conflict(`pull secret "${label}" is still used by an image or a build spec: change or delete those first`);
    if (!(await this.store.remove(ref))) throw notFound(`no pull secret "${label}"`);
  }
}
