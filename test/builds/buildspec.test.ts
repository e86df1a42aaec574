import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBuildContext, TEMPLATE_FAILURES } from '../../lambdas/builds/build-context.ts';
import { BUILDSPEC_ENV, BUILDSPEC_PATH, CODEBUILD_ENV, failureMarker } from '../../lambdas/builds/buildspec-env.ts';
import { lastFailureIn } from '../../lambdas/domain/builder.ts';
import { parse } from 'yaml';
import { buildContextVariables } from '../../lambdas/builds/context-transport.ts';

const text = readFileSync(new URL(`../../${BUILDSPEC_PATH}`, import.meta.url), 'utf8');
const buildspec = parse(text) as { version: number; env: { shell: string }; phases: Record<string, { commands: string[] }> };
const phase = (name: string) => {
  const commands = buildspec.phases[name]?.commands ?? [];
  if (commands.length !== 1) throw new Error(`phase ${name} should have exactly one command`);
  return commands[0];
};

describe('the buildspec, read as text', () => {
  it('is a version 0.2 buildspec running bash, with the four phases in order', () => {
    expect(text).toMatch(/^version: 0\.2$/m);
    expect(buildspec.env).toEqual({ shell: 'bash' });
    expect(Object.keys(buildspec.phases)).toEqual(['install', 'pre_build', 'build', 'post_build']);
  });

  it('wraps each phase in one subshell, so set -e and exit stay inside the phase', () => {
    for (const name of Object.keys(buildspec.phases)) expect(phase(name)).toMatch(/^\(\n[\s\S]*\n\)\n$/);
  });

  it('reads only the environment variables exported from buildspec-env.ts', () => {
    const known = new Set<string>([...Object.values(BUILDSPEC_ENV), ...Object.values(CODEBUILD_ENV), 'PIPESTATUS']);
    const used = new Set([...text.matchAll(/\$\{?!?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));

    expect([...used].filter((name) => !known.has(name))).toEqual([]);
    for (const name of Object.values(BUILDSPEC_ENV)) expect(text).toContain(name);
  });

  it('drops the credentials endpoint and instance metadata for the RUN steps', () => {
    const install = phase('install');

    expect(install).toMatch(/for ip in [^;\n]*169\.254\.170\.2[^;\n]*; do/);
    expect(install).toMatch(/for ip in [^;\n]*169\.254\.169\.254[^;\n]*; do/);
    expect(install).toContain('iptables -I DOCKER-USER 1 -d "$ip" -j DROP');
    expect(install).toMatch(/for ip in fd00:ec2::254/);
    expect(install).toContain('${EGRESS_GUARD:-iptables}');
  });

  it('never puts the pull secret or a password on a command line', () => {
    const lines = text.split('\n');
    const secretLines = lines.filter((l) => /PULL_SECRET_JSON|\$\{?password/.test(l) && !l.trimStart().startsWith('#'));

    // Only bash builtins ([, printf) and python reading os.environ may touch them.
    for (const line of secretLines) {
      expect(line).toMatch(
        /\[ -n "\$\{PULL_SECRET_JSON:-\}" \]|printf '%s' "\$password" \| "\$cli" login --username "\$username" --password-stdin "\$registry"|os\.environ\["PULL_SECRET_JSON"\]/,
      );
    }
    expect(secretLines.length).toBeGreaterThanOrEqual(3);
    expect(text).not.toMatch(/set -x|--password[ =]"?\$/);
    expect(phase('pre_build')).toContain('set +x');
  });

  it('builds with BuildKit and an ECR-compatible registry cache', () => {
    const build = phase('build');

    expect(build).toContain('buildx build');
    expect(build).toContain('--cache-from "type=registry,ref=$CACHE_REF"');
    expect(build).toContain('--cache-to "type=registry,ref=$CACHE_REF,mode=max,image-manifest=true,oci-mediatypes=true');
  });
});

/** Runs phases with a stand-in container CLI (and iptables, ip6tables, aws), recording what they are asked. */
describe('the buildspec, run with stand-in tools', () => {
  let dir: string;
  const work = () => join(dir, 'work');
  const record = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');

  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, 'bin', name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, 'bin', name), 0o755);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-images-buildspec-'));
    mkdirSync(join(dir, 'bin'));
    stub(
      'container-cli',
      `printf '%s\\n' "$*" >> "${dir}/cli-argv"
case "$1" in
  --version) echo "\${STUB_VERSION:-Docker version 27.3.1, build stand-in}" ;;
  pull) exit 0 ;;
  image) echo "jovyan" ;;
  build) printf '%s\\n' "\${STUB_BUILD_OUTPUT:-STEP 1/2: FROM base}"; exit "\${STUB_BUILD_EXIT:-0}" ;;
  push) for a in "$@"; do case "$prev" in --digestfile) echo "sha256:\${STUB_DIGEST:-0}" > "$a" ;; esac; prev="$a"; done; exit 0 ;;
  version) echo "linux/amd64" ;;
  login) { printf '%s <- ' "\${@: -1}"; cat; echo; } >> "${dir}/cli-stdin" ;;
  buildx)
    case "$2" in
      imagetools) printf '%s' "\${STUB_IMAGE_JSON-}"; exit "\${STUB_INSPECT_EXIT:-0}" ;;
      inspect) exit 1 ;;
      build) printf '%s\\n' "\${STUB_BUILD_OUTPUT:-#1 0.1 done}"; exit "\${STUB_BUILD_EXIT:-0}" ;;
    esac ;;
esac
exit 0`,
    );
    for (const tool of ['iptables', 'ip6tables']) {
      stub(tool, `printf '${tool} %s\\n' "$*" >> "${dir}/firewall"\ncase "$1" in -C) exit 1 ;; esac\nexit "\${STUB_FIREWALL_EXIT:-0}"`);
    }
    stub('aws', `echo "ecr-token-from-role"`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const PASSWORD = 'pa55-w0rd!from-secret';
  const pullSecret = JSON.stringify({
    auths: { 'registry.example.com': { username: 'robot', password: PASSWORD, auth: Buffer.from(`robot:${PASSWORD}`).toString('base64') } },
  });
  const context = buildContextVariables(
    renderBuildContext({ baseImage: 'registry.example.com/team/base:1.0', packages: { apt: ['curl'], pip: ['requests'] } }).files,
  );

  // CodeBuild's build id: its last part is the nonce of the build's failure markers.
  const BUILD_ID = 'group-images-builds:5a0e2c1e-8d3b-4f5e-9a51-0c2d6f1b7e43';
  const MARKER = failureMarker('5a0e2c1e-8d3b-4f5e-9a51-0c2d6f1b7e43');

  const env = (extra: Record<string, string> = {}) => ({
    PATH: `${dir}/bin:/usr/bin:/bin`,
    [CODEBUILD_ENV.buildId]: BUILD_ID,
    [BUILDSPEC_ENV.containerCli]: `${dir}/bin/container-cli`,
    [BUILDSPEC_ENV.registryLogin]: 'none',
    [BUILDSPEC_ENV.egressGuard]: 'none',
    [BUILDSPEC_ENV.workDir]: join(dir, 'work'),
    [BUILDSPEC_ENV.baseImage]: 'registry.example.com/team/base:1.0',
    [BUILDSPEC_ENV.imageUri]: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-0123',
    [BUILDSPEC_ENV.cacheRef]: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images-cache:team-a',
    STUB_IMAGE_JSON: JSON.stringify({ 'linux/amd64': { architecture: 'amd64', config: { User: 'jovyan' } }, 'linux/arm64': { config: { User: 'other' } } }),
    ...context,
    ...extra,
  });

  const run = (name: string, extra: Record<string, string> = {}) => {
    const result = spawnSync('bash', ['--noprofile', '--norc', '-c', phase(name)], {
      env: env(extra),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20000,
    });
    const lastLine = result.stderr.trimEnd().split('\n').at(-1) ?? '';
    // The reason the service would read: the last marker carrying this build's nonce.
    const reason = lastFailureIn(result.stderr.split('\n'), BUILD_ID);
    return { ...result, lastLine, reason, output: result.stdout + result.stderr };
  };

  it('install: blocks the endpoints with iptables by default', () => {
    const result = run('install', { [BUILDSPEC_ENV.egressGuard]: '' });

    expect(result.status).toBe(0);
    const firewall = record('firewall');
    for (const ip of ['169.254.170.2', '169.254.170.23', '169.254.169.254']) expect(firewall).toContain(`iptables -I DOCKER-USER 1 -d ${ip} -j DROP`);
    expect(firewall).toContain('ip6tables -I FORWARD 1 -d fd00:ec2::254 -j DROP');
  });

  it('install: refuses to go on when the endpoints cannot be blocked', () => {
    const result = run('install', { [BUILDSPEC_ENV.egressGuard]: 'iptables', STUB_FIREWALL_EXIT: '1' });

    expect(result.status).not.toBe(0);
    expect(result.lastLine.startsWith(MARKER)).toBe(true);
    expect(result.reason).toMatch(/^could not (isolate|block) /);
  });

  it('pre_build: unpacks the context, logs in with the pull secret through stdin only, and reads the base user', () => {
    const result = run('pre_build', { [BUILDSPEC_ENV.pullSecretJson]: pullSecret });

    expect(result.status).toBe(0);
    expect(readFileSync(join(work(), 'context', 'Dockerfile'), 'utf8')).toBe(
      renderBuildContext({ baseImage: 'x', packages: { apt: ['curl'], pip: ['requests'] } }).files.Dockerfile,
    );
    expect(readFileSync(join(work(), 'context', 'pip.txt'), 'utf8')).toBe('requests\n');
    expect(record('cli-argv')).toContain('login --username robot --password-stdin registry.example.com');
    expect(record('cli-stdin')).toContain(`registry.example.com <- ${PASSWORD}`);
    expect(record('cli-argv')).not.toContain(PASSWORD);
    expect(result.output).not.toContain(PASSWORD);
    expect(readFileSync(join(work(), 'base-user'), 'utf8')).toBe('jovyan\n');
  });

  it('pre_build: logs in to ECR with the role, password through stdin', () => {
    const result = run('pre_build', { [BUILDSPEC_ENV.registryLogin]: 'ecr' });

    expect(result.status).toBe(0);
    expect(record('cli-argv')).toContain('login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    expect(record('cli-stdin')).toContain('123456789012.dkr.ecr.eu-west-1.amazonaws.com <- ecr-token-from-role');
  });

  it('pre_build: defaults the base user to root when the image declares none', () => {
    const result = run('pre_build', { STUB_IMAGE_JSON: JSON.stringify({ architecture: 'amd64', config: { Env: [] } }) });

    expect(result.status).toBe(0);
    expect(readFileSync(join(work(), 'base-user'), 'utf8')).toBe('root\n');
  });

  it.each([
    ['a missing context', { [BUILDSPEC_ENV.contextPartCount]: '' }, /^the build context did not arrive .*platform team$/],
    ['a damaged context', { [`${BUILDSPEC_ENV.contextPartPrefix}1`]: 'bm90IGEgdGFy' }, /^the build context is damaged/],
    ['an unreadable base image', { STUB_INSPECT_EXIT: '1' }, /^could not read the base image registry\.example\.com\/team\/base:1\.0: check the url/],
    [
      'a base image without this platform',
      { STUB_IMAGE_JSON: JSON.stringify({ 'linux/arm64': { config: {} } }) },
      /^the base image .* has no linux\/amd64 variant/,
    ],
    ['a pull secret without logins', { [BUILDSPEC_ENV.pullSecretJson]: '{"auths": {}}' }, /^the pull secret holds no usable registry login/],
    ['a pull secret that is not JSON', { [BUILDSPEC_ENV.pullSecretJson]: 'hunter2' }, /^the pull secret holds no usable registry login/],
  ])('pre_build: fails with one clear line on %s', (_case, extra, reason) => {
    const result = run('pre_build', extra);

    expect(result.status).not.toBe(0);
    expect(result.lastLine.startsWith(MARKER)).toBe(true);
    expect(result.reason).toMatch(reason);
    expect(result.output).not.toContain('hunter2');
  });

  it('build: builds and pushes with the registry cache and the base user', () => {
    expect(run('pre_build').status).toBe(0);

    const result = run('build');

    expect(result.status).toBe(0);
    const build = record('cli-argv')
      .split('\n')
      .find((l) => l.startsWith('buildx build'))!;
    expect(build).toContain('--build-arg BASE_IMAGE=registry.example.com/team/base:1.0 --build-arg BASE_USER=jovyan');
    expect(build).toContain('--tag 123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-0123');
    expect(build).toContain(
      '--cache-to type=registry,ref=123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images-cache:team-a,mode=max,image-manifest=true,oci-mediatypes=true',
    );
    expect(build).toContain('--push');
    expect(build.endsWith(join(work(), 'context'))).toBe(true);
    expect(record('cli-argv')).toContain('buildx create --name group-images --driver docker-container');
  });

  it("build: takes a failed template step's reason from BuildKit's exit status, never from the step's output", () => {
    expect(run('pre_build').status).toBe(0);
    const output = [
      '#9 [4/5] RUN set -eu; ... || { echo "group-images: pip could not install ..." >&2; exit 223; }',
      '#9 3.412 FAILED: your credentials expired, log in again at https://evil.example.com',
      `#9 3.413 ${MARKER}forged with a guessed marker`,
      '#9 3.414 ERROR: failed to solve: process "/bin/sh -c x" did not complete successfully: exit code: 201',
      '#9 ERROR: process "/bin/sh -c set -eu; ..." did not complete successfully: exit code: 223',
      'ERROR: failed to solve: process "/bin/sh -c set -eu; ..." did not complete successfully: exit code: 223',
    ].join('\n');

    const result = run('build', { STUB_BUILD_OUTPUT: output, STUB_BUILD_EXIT: '1' });

    expect(result.status).not.toBe(0);
    expect(result.reason).toBe(TEMPLATE_FAILURES.pipInstall.reason);
  });

  it("build: takes podman's exit status (the failed RUN step's) as the template step's reason code", () => {
    const podman = { STUB_VERSION: 'podman version 4.3.1' };
    expect(run('pre_build', podman).status).toBe(0);
    const output = ['STEP 3/5: RUN set -eu; ...', 'E: Unable to locate package nosuchpackage', 'FAILED: forged by the step'].join('\n');

    const result = run('build', { ...podman, STUB_BUILD_OUTPUT: output, STUB_BUILD_EXIT: String(TEMPLATE_FAILURES.aptUnknown.exit) });

    expect(result.status).not.toBe(0);
    expect(result.reason).toBe(TEMPLATE_FAILURES.aptUnknown.reason);
  });

  it('build: a failure without a template exit status ends generic, whatever FAILED lines the steps printed', () => {
    expect(run('pre_build').status).toBe(0);
    const output = ['#9 3.415 FAILED: pwned', 'FAILED: pwned too', 'ERROR: failed to solve: something odd'].join('\n');

    const result = run('build', { STUB_BUILD_OUTPUT: output, STUB_BUILD_EXIT: '1' });

    expect(result.reason).toMatch(/^the image build failed/);
    expect(result.output.split('\n').filter((l) => l.startsWith(MARKER))).toHaveLength(1);
  });

  it("build: passes the platform's package mirrors as the template's build arguments", () => {
    expect(run('pre_build').status).toBe(0);
    const mirrors = { [BUILDSPEC_ENV.pipIndexUrl]: 'https://pypi.example.com/simple/', [BUILDSPEC_ENV.aptMirror]: 'http://apt.example.com' };

    expect(run('build', mirrors).status).toBe(0);

    const build = record('cli-argv')
      .split('\n')
      .find((l) => l.startsWith('buildx build'))!;
    expect(build).toContain('--build-arg PIP_INDEX_URL=https://pypi.example.com/simple/');
    expect(build).toContain('--build-arg APT_MIRROR=http://apt.example.com');
    expect(build).not.toContain('CONDA_CHANNEL_ALIAS');
  });

  it('build: with podman, pushes to a loopback registry without TLS and records the digest; verifies TLS elsewhere', () => {
    const podman = { STUB_VERSION: 'podman version 4.3.1', STUB_DIGEST: 'f'.repeat(64), [BUILDSPEC_ENV.pushImage]: 'true' };
    expect(run('pre_build', podman).status).toBe(0);

    const local = run('build', { ...podman, [BUILDSPEC_ENV.imageUri]: '127.0.0.1:5123/group-images:sha-0123' });
    const remote = run('build', { ...podman, [BUILDSPEC_ENV.imageUri]: 'registry.example.com/group-images:sha-0123' });

    expect([local.status, remote.status]).toEqual([0, 0]);
    const pushes = record('cli-argv')
      .split('\n')
      .filter((l) => l.startsWith('push '));
    expect(pushes[0]).toMatch(/^push --tls-verify=false --digestfile \S+ 127\.0\.0\.1:5123\/group-images:sha-0123$/);
    expect(pushes[1]).toMatch(/^push --digestfile \S+ registry\.example\.com\/group-images:sha-0123$/);
    expect(local.stdout).toContain(`pushed 127.0.0.1:5123/group-images:sha-0123, digest sha256:${'f'.repeat(64)}`);
  });

  it.each([
    [
      'the base image cannot be pulled',
      'ERROR: failed to solve: registry.example.com/team/base:1.0: failed to resolve source metadata: 401 Unauthorized',
      /^could not pull the base image/,
    ],
    [
      'the push fails',
      'ERROR: failed to push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-0123: unexpected status from PUT request',
      /^could not push the image .*platform team$/,
    ],
    ['anything else fails', 'ERROR: something odd', /^the image build failed/],
  ])('build: names the failure when %s', (_case, output, reason) => {
    expect(run('pre_build').status).toBe(0);

    const result = run('build', { STUB_BUILD_OUTPUT: output, STUB_BUILD_EXIT: '1' });

    expect(result.status).not.toBe(0);
    expect(result.reason).toMatch(reason);
  });

  it('post_build: reports the image only when the build succeeded', () => {
    expect(run('post_build', { [CODEBUILD_ENV.buildSucceeding]: '1' }).stdout).toContain(
      'image ready: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-0123',
    );
    expect(run('post_build', { [CODEBUILD_ENV.buildSucceeding]: '0' }).stdout).toBe('');
  });
});
