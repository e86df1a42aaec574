/**
 * A short, safe walk of a deployed API, proving a deployment works:
 *
 *   npm run smoke -- --url <ApiUrl> --token <jwt> [--group <group the token administers>]
 *
 * health, the OpenAPI document, GET /me, a list, a create and a delete of an existing-image entry in a
 * group the token administers (the entry it made, and only that, is deleted again whatever happens),
 * and a dry build spec check (an invalid spec must be refused by name: nothing is built). Prints one
 * line per step; exits 1 if any failed.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export interface SmokeOptions {
  url: string;
  token: string;
  /** A group the token administers; by default the first of GET /me's adminGroups. */
  group?: string;
}

export interface SmokeStep {
  name: string;
  ok: boolean;
  detail: string;
}

type Reply = { status: number; body: unknown; type: string };

async function call(base: string, method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
  const res = await fetch(new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  let parsed: unknown = text;
  if (type.includes('json') && text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, type };
}

const field = (value: unknown, key: string): unknown => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);
const brief = (r: Reply) => `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;

export async function runSmoke(options: SmokeOptions, report: (step: SmokeStep) => void = () => undefined): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  const step = async (name: string, run: () => Promise<string>) => {
    let result: SmokeStep;
    try {
      result = { name, ok: true, detail: await run() };
    } catch (e) {
      result = { name, ok: false, detail: (e as Error).message };
    }
    steps.push(result);
    report(result);
    return result.ok;
  };
  const expectStatus = (r: Reply, status: number) => {
    if (r.status !== status) throw new Error(`expected ${status}, got ${brief(r)}`);
  };
  const { url, token } = options;

  await step('GET /health answers 200 without a token', async () => {
    const r = await call(url, 'GET', '/health');
    expectStatus(r, 200);
    return brief(r);
  });
  await step('GET /openapi.json serves the OpenAPI document', async () => {
    const r = await call(url, 'GET', '/openapi.json');
    expectStatus(r, 200);
    if (typeof field(r.body, 'openapi') !== 'string') throw new Error('no "openapi" version in the document');
    return `OpenAPI ${String(field(r.body, 'openapi'))}, ${Object.keys((field(r.body, 'paths') as object) ?? {}).length} paths`;
  });
  let group = options.group;
  await step('GET /me: who the token is (sub, groups, adminGroups, systemAdmin)', async () => {
    const r = await call(url, 'GET', '/me', token);
    expectStatus(r, 200);
    const admin = field(r.body, 'adminGroups');
    if (
      typeof field(r.body, 'sub') !== 'string' ||
      !Array.isArray(admin) ||
      !Array.isArray(field(r.body, 'groups')) ||
      typeof field(r.body, 'systemAdmin') !== 'boolean'
    ) {
      throw new Error(`unexpected body ${brief(r)}`);
    }
    group ??= admin[0] as string | undefined;
    return JSON.stringify(r.body);
  });
  if (!group) {
    await step('a group the token administers', async () => {
      throw new Error('none: pass --group <a group the token administers>, or use a token with admin groups');
    });
    return steps;
  }
  const images = `/groups/${encodeURIComponent(group)}/images`;
  await step(`GET ${images} lists the group's images`, async () => {
    const r = await call(url, 'GET', `${images}?limit=5`, token);
    expectStatus(r, 200);
    if (!Array.isArray(field(r.body, 'items'))) throw new Error(`no items in ${brief(r)}`);
    return `${(field(r.body, 'items') as unknown[]).length} image(s) on the first page`;
  });
  let created: string | undefined;
  await step(`POST ${images} adds an existing image`, async () => {
    const r = await call(url, 'POST', images, token, {
      displayName: `smoke-${randomBytes(4).toString('hex')}`,
      description: 'created by npm run smoke; deleted again by it',
      type: 'cpu',
      url: 'public.ecr.aws/docker/library/busybox:1.36',
    });
    expectStatus(r, 201);
    created = field(r.body, 'name') as string;
    return `created ${created}`;
  });
  if (created) {
    const name = created;
    await step(`DELETE ${images}/{name} deletes it again`, async () => {
      const r = await call(url, 'DELETE', `${images}/${encodeURIComponent(name)}`, token);
      expectStatus(r, 204);
      const gone = await call(url, 'GET', `${images}/${encodeURIComponent(name)}`, token);
      expectStatus(gone, 404);
      return `deleted ${name}`;
    });
  }
  await step('a build spec with a refused entry is refused by name (dry: nothing is built)', async () => {
    const r = await call(url, 'POST', images, token, {
      displayName: 'smoke-build-check',
      type: 'cpu',
      build: { baseImage: 'python:3.12-slim', packages: { pip: ['requests==2.32.3', '--index-url=https://example.com/simple'] } },
    });
    expectStatus(r, 422);
    const errors = field(r.body, 'errors');
    if (!Array.isArray(errors) || !errors.some((e) => field(e, 'path') === '/build/packages/pip/1'))
      throw new Error(`expected an error at /build/packages/pip/1, got ${brief(r)}`);
    return '422 names /build/packages/pip/1';
  });
  return steps;
}

function argument(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main() {
  const args = process.argv.slice(2);
  const url = argument(args, 'url');
  const token = argument(args, 'token') ?? process.env.SMOKE_TOKEN;
  if (!url || !token) {
    console.error('usage: npm run smoke -- --url <ApiUrl> --token <jwt> [--group <group>]   (or SMOKE_TOKEN=<jwt>)');
    process.exit(2);
  }
  const steps = await runSmoke({ url, token, group: argument(args, 'group') }, (s) => console.log(`${s.ok ? 'PASS' : 'FAIL'}  ${s.name}: ${s.detail}`));
  const failed = steps.filter((s) => !s.ok).length;
  console.log(failed ? `${failed} of ${steps.length} steps failed` : `all ${steps.length} steps passed`);
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
