/**
 * Registry pull secrets. System secrets: system admins store them, every group may use them, group
 * and system admins see their names. Group secrets: that group's admins (and system admins) store
 * and list them, only that group's images and builds may use them; members and other groups see
 * nothing. Never a credential in an answer. How images name them: tenant-references.ts.
 */
import * as z from 'zod/mini';
import { conflict, forbidden, invalidField, notFound } from './errors.ts';
import { SECRET_NAME } from './fields.ts';
import { canListSecrets, isGroupAdmin, type Principal } from './principal.ts';
import { secretReferenceText, type PullSecretDirectory, type SecretRef } from './tenant-references.ts';
import { parseOrThrow } from './validation.ts';

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

/** Control characters no login field may hold (exported for the OpenAPI document). */
export const LOGIN_CONTROL = /[\u0000-\u001f\u007f]/;
const NO_CONTROL = (s: string) => !LOGIN_CONTROL.test(s);
/** A registry host with an optional port, as container tools key their logins: `ghcr.io`, `registry.example.com:5000`. */
export const REGISTRY = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?$/;

export const registryLoginBody = z.strictObject({
  registry: z.string().check(z.regex(REGISTRY, 'must be a registry host, optionally with a port, such as "ghcr.io" or "registry.example.com:5000"')),
  username: z.string().check(
    z.minLength(1, 'is required'),
    z.maxLength(256, 'must be at most 256 characters'),
    z.refine(NO_CONTROL, 'must not contain control characters'),
    z.refine((s) => !s.includes(':'), 'must not contain ":" (registry logins join user and password with it)'),
  ),
  password: z
    .string()
    .check(z.minLength(1, 'is required'), z.maxLength(4096, 'must be at most 4096 characters'), z.refine(NO_CONTROL, 'must not contain control characters')),
});

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

  /** The system secrets, which every group may use. */
  async list(principal: Principal): Promise<{ items: PullSecretMetadata[] }> {
    if (!canListSecrets(principal)) throw forbidden('only group admins and system admins can list pull secrets');
    return this.listed(null);
  }

  /** A group's own secrets: for its admins only. */
  async listGroup(principal: Principal, group: string): Promise<{ items: PullSecretMetadata[] }> {
    assertCanManage(principal, group);
    return this.listed(group);
  }

  /** Creates or replaces a secret of the system (group null) or of a group. */
  async put(principal: Principal, group: string | null, name: string, body: unknown): Promise<{ created: boolean; secret: PullSecretMetadata }> {
    assertCanManage(principal, group);
    if (!SECRET_NAME.test(name))
      invalidField('/path/name', 'the secret name in the path must be 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit');
    const login = parseOrThrow(registryLoginBody, body);
    const stored = await this.store.put({ group, name }, login, this.now().toISOString());
    await this.usage.declare(secretReferenceText({ group, name }));
    return stored;
  }

  async delete(principal: Principal, group: string | null, name: string): Promise<void> {
    assertCanManage(principal, group);
    const ref: SecretRef = { group, name };
    const label = secretReferenceText(ref);
    if (!SECRET_NAME.test(name) || !(await this.store.exists(ref))) throw notFound(`no pull secret "${label}"`);
    if (!(await this.usage.retire(label))) throw conflict(`pull secret "${label}" is still used by an image or a build spec: change or delete those first`);
    if (!(await this.store.remove(ref))) throw notFound(`no pull secret "${label}"`);
  }

  private async listed(group: string | null): Promise<{ items: PullSecretMetadata[] }> {
    const items = await this.store.list(group);
    return { items: items.sort((a, b) => a.name.localeCompare(b.name)) };
  }
}

/** System secrets: system admins. A group's: its admins and system admins; members and other groups get 403. */
function assertCanManage(principal: Principal, group: string | null): void {
  if (group === null ? principal.systemAdmin : isGroupAdmin(principal, group)) return;
  throw forbidden(group === null ? 'only system admins can manage system pull secrets' : `only admins of group "${group}" can see or manage its pull secrets`);
}
