/**
 * The real things the end-to-end build suite runs against: Debian's docker-registry on a free
 * loopback port, the debootstrapped base image (made once, cached outside the repository, see
 * base-image.sh), a PEP 503 package index of wheels the test makes offline, and Debian's own answer
 * to "which version do you serve".
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { WAIT_DEADLINE_MS } from '../support/hang-guard.ts';

export const run = promisify(execFile);

/** What the suite needs on this machine; the first missing one is the one-line reason to skip. */
export function missingTool(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (debootstrap and podman image mount need root)';
  for (const tool of ['podman', 'docker-registry', 'debootstrap', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (.ci/run installs it: apt-get install podman docker-registry debootstrap)`;
  }
  return undefined;
}

/** A port nobody listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(probe: () => Promise<boolean>, what: string, deadlineMs = WAIT_DEADLINE_MS) {
  const end = Date.now() + deadlineMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Registry {
  /** `127.0.0.1:<port>` */
  host: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Debian's docker-registry with a config of its own: storage in `dir`, HTTP on a free loopback port. */
export async function startRegistry(dir: string): Promise<Registry> {
  const port = await freePort();
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'registry.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.resume();
  const host = `127.0.0.1:${port}`;
  await until(async () => (await fetch(`http://${host}/v2/`)).ok, `the registry on ${host}`);
  return {
    host,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Imported once into podman's store (from the cached tarball), then pushed to this run's registry. */
const CACHED_BASE = 'localhost/group-images-test/base:bookworm-python3';

/** Pushes the base image as `<registry>/<path>` (`base:bookworm` unless told; a mirror's path such as `docker-hub/library/debian:bookworm`). */
export async function pushBaseImage(registry: Registry, path = 'base:bookworm'): Promise<string> {
  const { stdout } = await run('bash', [new URL('./base-image.sh', import.meta.url).pathname], { maxBuffer: 1 << 24 });
  const tarball = stdout.trim().split('\n').at(-1)!;
  if (spawnSync('podman', ['image', 'exists', CACHED_BASE]).status !== 0) await run('podman', ['import', tarball, CACHED_BASE], { maxBuffer: 1 << 24 });
  const ref = `${registry.host}/${path}`;
  await run('podman', ['tag', CACHED_BASE, ref]);
  await run('podman', ['push', '--tls-verify=false', '--quiet', ref]);
  await run('podman', ['rmi', ref]); // the build pulls it from the registry, as it would any base image
  return ref;
}

/**
 * The version of each package Debian serves for bookworm right now (main, updates, security), as
 * apt itself computes the candidate, with a private apt state in `dir`.
 */
export async function debianCandidates(dir: string, packages: string[]): Promise<Record<string, string>> {
  for (const sub of ['etc/apt/sources.list.d', 'etc/apt/preferences.d', 'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/lib/dpkg'])
    mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'var/lib/dpkg/status'), '');
  const keyring = '[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]';
  writeFileSync(
    join(dir, 'etc/apt/sources.list'),
    [
      `deb ${keyring} http://deb.debian.org/debian bookworm main`,
      `deb ${keyring} http://deb.debian.org/debian bookworm-updates main`,
      `deb ${keyring} http://deb.debian.org/debian-security bookworm-security main`,
      '',
    ].join('\n'),
  );
  const options = [
    '-o',
    `Dir=${dir}`,
    '-o',
    `Dir::State::status=${join(dir, 'var/lib/dpkg/status')}`,
    '-o',
    'APT::Architecture=amd64',
    '-o',
    'Acquire::Languages=none',
    '-q',
  ];
  await run('apt-get', [...options, 'update'], { maxBuffer: 1 << 24 });
  const found: Record<string, string> = {};
  for (const name of packages) {
    const { stdout } = await run('apt-cache', [...options, 'policy', name]);
    const candidate = /Candidate: (\S+)/.exec(stdout)?.[1];
    if (!candidate || candidate === '(none)') throw new Error(`Debian serves no ${name} for bookworm`);
    found[name] = candidate;
  }
  return found;
}

/** A pure-Python wheel made offline: one module, METADATA, WHEEL and RECORD (python3's zipfile writes it). */
export async function makeWheel(dir: string, project: string, version: string): Promise<string> {
  const module = project.replace(/-/g, '_');
  const file = `${module}-${version}-py3-none-any.whl`;
  const script = `
import base64, hashlib, sys, zipfile
out, module, project, version = sys.argv[1:5]
info = f"{module}-{version}.dist-info"
files = {
    f"{module}/__init__.py": f"VERSION = {version!r}\\n",
    f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {project}\\nVersion: {version}\\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: group-images-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
with zipfile.ZipFile(out, "w") as z:
    for name, text in files.items():
        data = text.encode()
        z.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    z.writestr(f"{info}/RECORD", "\\n".join(record) + "\\n")
`;
  mkdirSync(join(dir, 'files'), { recursive: true });
  await run('python3', ['-c', script, join(dir, 'files', file), module, project, version]);
  const page = join(dir, 'simple', project);
  mkdirSync(page, { recursive: true });
  writeFileSync(join(page, 'index.html'), `<!DOCTYPE html>\n<html><body><a href="../../files/${file}">${file}</a></body></html>\n`);
  return file;
}

export interface PackageIndex {
  /** http://127.0.0.1:<port>/simple/ */
  url: string;
  /** Connections that asked for a stalled project and are still open. */
  stalledOpen(): number;
  /** How many requests asked for a stalled project. */
  stalledAsked(): number;
  stop(): Promise<void>;
}

/**
 * A PEP 503 simple index over `dir` (files made by makeWheel), on a free loopback port. A project
 * named in `stall` is never answered: a build asking for it hangs in its pip step until cancelled
 * (and the connection closing tells that the pip process is gone).
 */
export async function startPackageIndex(dir: string, stall: string[] = []): Promise<PackageIndex> {
  const open = new Set<Socket>();
  let asked = 0;
  const server = createHttpServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (stall.some((p) => path.startsWith(`/simple/${p}`))) {
      asked++;
      open.add(req.socket);
      req.socket.once('close', () => open.delete(req.socket));
      return; // never answered
    }
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  mkdirSync(join(dir, 'simple'), { recursive: true });
  return {
    url: `http://127.0.0.1:${port}/simple/`,
    stalledOpen: () => open.size,
    stalledAsked: () => asked,
    async stop() {
      server.closeAllConnections();
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Does podman's image store hold `ref` (e.g. a docker.io reference a build must not have pulled)? */
export const hasImage = (ref: string) => spawnSync('podman', ['image', 'exists', ref]).status === 0;

/** The image's layers (diff ids), as podman sees them once pulled. */
export async function layersOf(ref: string): Promise<string[]> {
  const { stdout } = await run('podman', ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref]);
  return JSON.parse(stdout) as string[];
}

/** Runs `read` on the image's root filesystem (podman image mount: podman run cannot run here), then unmounts. */
export async function withImageFiles<T>(ref: string, read: (root: string) => Promise<T> | T): Promise<T> {
  const { stdout } = await run('podman', ['image', 'mount', ref]);
  try {
    return await read(stdout.trim());
  } finally {
    await run('podman', ['image', 'unmount', ref]).catch(() => undefined);
  }
}

/** `Package: x` -> its `Version:` and `Status:` from dpkg's status file. */
export function dpkgStatus(text: string): Map<string, { version: string; status: string }> {
  const found = new Map<string, { version: string; status: string }>();
  for (const stanza of text.split('\n\n')) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1] ?? '';
    if (field('Package')) found.set(field('Package'), { version: field('Version'), status: field('Status') });
  }
  return found;
}
