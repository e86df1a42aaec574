/**
 * No registry login outlives its build: the local runner gives each build its own credential files
 * (REGISTRY_AUTH_FILE for podman, DOCKER_CONFIG for docker) under the build's work directory and
 * removes them when the build ends, so a later build (another group's) never finds a login it had no
 * secret for. A stand-in CLI logs in where the environment says, as podman and docker do.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { queuedBuild } from '../../lambdas/domain/build.ts';
import type { StoredBuildSpec } from '../../lambdas/domain/image.ts';
import { LocalBuildLogs } from '../../lambdas/local/local-build-logs.ts';
import { LocalBuilder } from '../../lambdas/local/local-builder.ts';

process.env.LOG_LEVEL ??= 'silent';

let dir: string;
let dataDir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-images-logins-'));
  dataDir = join(dir, 'data');
  // login stores the credential in the auth file it is pointed at; build records what that file then holds.
  writeFileSync(
    join(dir, 'cli'),
    `#!/bin/bash
case "$1" in
  --version) echo "Docker version 27.1.1, build stand-in" ;;
  info|version) echo "linux/amd64" ;;
  login) printf '{"auths":{"%s":{"auth":"%s"}}}' "\${@: -1}" "$(cat | base64 -w0)" > "$REGISTRY_AUTH_FILE"
         printf 'login %s %s\\n' "$REGISTRY_AUTH_FILE" "$DOCKER_CONFIG" >> "${dir}/record" ;;
  buildx)
    case "$2" in
      imagetools) echo '{"config":{"User":""}}' ;;
      build) printf 'build %s %s\\n' "$REGISTRY_AUTH_FILE" "$(cat "$REGISTRY_AUTH_FILE")" >> "${dir}/record" ;;
    esac ;;
esac
`,
  );
  chmodSync(join(dir, 'cli'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secret = JSON.stringify({ auths: { 'ghcr.io': { username: 'team-b-bot', password: 'team-b-password' } } });

function job(id: string, pullSecret: string | null) {
  const spec: StoredBuildSpec = { baseImage: 'ghcr.io/team-b/private:1', ...(pullSecret ? { pullSecret } : {}), packages: { pip: ['requests'] } };
  const build = queuedBuild({
    id,
    image: 'logins',
    group: 'team-b',
    spec,
    specHash: 'b'.repeat(64),
    targetUrl: 'localhost/group-images:sha-1',
    createdAt: new Date().toISOString(),
    createdBy: 'oto',
  });
  return { scope: { group: 'team-b' }, build, files: renderBuildContext(spec).files, cacheRef: '', pullSecret };
}

it('logs each build in with its own auth files under its work directory, removed when it ends; the next build starts with no login', async () => {
  // Prepare
  const builder = new LocalBuilder({
    dataDir,
    logs: new LocalBuildLogs(join(dataDir, 'build-logs')),
    containerCli: join(dir, 'cli'),
    timeoutMinutes: 5,
    pullSecretJson: async (name) => (name === 'team-b-registry' ? secret : undefined),
    report: async () => undefined,
  });

  // Act
  await builder.start(job('b0lz4k2m1login1', 'team-b-registry'));
  await builder.idle();
  await builder.start(job('b0lz4k2m1login2', null));
  await builder.idle();

  // Assess
  const record = readFileSync(join(dir, 'record'), 'utf8').trim().split('\n');
  const first = join(dataDir, 'builds', 'b0lz4k2m1login1', 'registry-auth');
  const second = join(dataDir, 'builds', 'b0lz4k2m1login2', 'registry-auth');
  expect(record[0]).toBe(`login ${first}/auth.json ${first}/docker`);
  expect(record[1]).toMatch(new RegExp(`^build ${first}/auth.json \\{"auths":\\{"ghcr.io":`));
  expect(record[2]).toBe(`build ${second}/auth.json {}`);
  expect(record).toHaveLength(3);
  expect([existsSync(first), existsSync(second)]).toEqual([false, false]);
});
