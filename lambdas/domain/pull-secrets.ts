/**
 * Registry pull secrets: system admins store registry logins; group and system admins see their
 * names (never a credential) to pick one for an image or a build.
 */
import * as z from 'zod/mini';
import type { PullSecretDirectory } from './catalog.ts';
import { conflict, forbidden, invalidField, notFound } from './errors.ts';
import { SECRET_NAME } from './fields.ts';
import { canListSecrets, type Principal } from './principal.ts';
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
  list(): Promise<PullSecretMetadata[]>;
  /** Creates or replaces; says which. */
  put(name: string, login: RegistryLogin, at: string): Promise<{ created: boolean; secret: PullSecretMetadata }>;
  /** False if there was no such secret. */
  remove(name: string): Promise<boolean>;
}

/**
 * Which secrets images may name, kept where image writes check it in their own transaction: a secret
 * is declared once stored, and retired (false: an image or build spec still names it) before it is deleted.
 */
export interface SecretUsage {
  declare(name: string): Promise<void>;
  retire(name: string): Promise<boolean>;
}

const NO_CONTROL = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
/** A registry host with an optional port, as container tools key their logins: `ghcr.io`, `registry.example.com:5000`. */
const REGISTRY = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?$/;

export const registryLoginBody = z.strictObject({
  registry: z.string().check(z.regex(REGISTRY, 'must be a registry host, optionally with a port, such as "ghcr.io" or "registry.example.com:5000"')),
  username: z.string().check(z.minLength(1, 'is required'), z.maxLength(256, 'must be at most 256 characters'), z.refine(NO_CONTROL, 'must not contain control characters'), z.refine((s) => !s.includes(':'), 'must not contain ":" (registry logins join user and password with it)')),
  password: z.string().check(z.minLength(1, 'is required'), z.maxLength(4096, 'must be at most 4096 characters'), z.refine(NO_CONTROL, 'must not contain control characters')),
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

  async list(principal: Principal): Promise<{ items: PullSecretMetadata[] }> {
    if (!canListSecrets(principal)) throw forbidden('only group admins and system admins can list pull secrets');
    const items = await this.store.list();
    return { items: items.sort((a, b) => a.name.localeCompare(b.name)) };
  }

  async put(principal: Principal, name: string, body: unknown): Promise<{ created: boolean; secret: PullSecretMetadata }> {
    if (!principal.systemAdmin) throw forbidden('only system admins can store pull secrets');
    if (!SECRET_NAME.test(name)) invalidField('/path/name', 'the secret name in the path must be 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit');
    const login = parseOrThrow(registryLoginBody, body);
    const stored = await this.store.put(name, login, this.now().toISOString());
    await this.usage.declare(name);
    return stored;
  }

  async delete(principal: Principal, name: string): Promise<void> {
    if (!principal.systemAdmin) throw forbidden('only system admins can delete pull secrets');
    if (!SECRET_NAME.test(name) || !(await this.store.exists(name))) throw notFound(`no pull secret "${name}"`);
    if (!(await this.usage.retire(name))) throw conflict(`pull secret "${name}" is still used by an image or a build spec: change or delete those first`);
    if (!(await this.store.remove(name))) throw notFound(`no pull secret "${name}"`);
  }
}
