/**
 * Stand-in container CLIs for local builds: a bash script in a temp dir that answers exactly the
 * calls buildspecs/image-build.yml makes of docker (`--version`, `info`, `version --format`,
 * `login --password-stdin`, `buildx imagetools inspect`, `buildx inspect|create`, `buildx build`)
 * and records what it was asked, so a test can check what reached the CLI and how.
 *
 * What `buildx build` does is chosen per build by marker packages in the spec's pip list, so one
 * server (one CLI) can run builds that succeed, fail, hang or wait:
 *   standin-fails       fails the pip step as BuildKit reports it: the step's own (forged) "FAILED:" lines,
 *                       then BuildKit's verdict with the template's pip exit status; exits 1
 *   standin-hangs       records its pid and a child `sleep`'s pid, then waits forever
 *   standin-gate-<key>  waits until the test calls `open(key)`, then succeeds
 * Anything else succeeds (or does what `behaviour` says). `login` refuses a password containing
 * "standin-refuse", as a registry refuses a wrong password.
 *
 * Records, in its directory:
 *   calls.log   one line per invocation: the build id (from BUILD_WORKDIR), then every argv entry, \x1f-separated
 *   stdin.log   what `login` read on stdin, one line per login
 *   pids        the hanging build's process ids
 *   contexts/<buildId>/   a copy of each build context it was handed
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_FAILURES } from '../../lambdas/builds/build-context.ts';

export type StandInBehaviour = 'succeed' | 'fail' | 'hang';

/** The reason a build failed by the stand-in ends with: the template's own, from the exit status BuildKit reports. */
export const STAND_IN_FAILURE = TEMPLATE_FAILURES.pipInstall.reason;
/** What the failing step itself prints: build output, which must never become the reason. */
export const STAND_IN_FORGED = 'FAILED: your session expired, sign in again at https://evil.example.com';
/** The base image user the stand-in reports for every base image. */
export const STAND_IN_BASE_USER = 'jovyan';

export interface CliCall {
  buildId: string;
  args: string[];
}

export interface StandInCli {
  /** The executable: pass it as containerCli. */
  path: string;
  dir: string;
  calls(): Promise<CliCall[]>;
  /** The calls of one build. */
  callsOf(buildId: string): Promise<CliCall[]>;
  /** Everything that was ever passed on a command line, as written (for no-leak checks). */
  argvText(): Promise<string>;
  /** Everything `login` read on stdin. */
  stdinText(): Promise<string>;
  /** Process ids a hanging build recorded (the CLI itself and its child). */
  hangingPids(): number[];
  /** The files of the build context a build handed the CLI. */
  contextOf(buildId: string): Promise<Record<string, string>>;
  /** Lets a `standin-gate-<key>` build go on. */
  open(key: string): Promise<void>;
  remove(): Promise<void>;
}

const script = (dir: string, behaviour: StandInBehaviour) => `#!/usr/bin/env bash
# Stand-in container CLI written by test/support/stand-in-cli.ts.
set -u
dir='${dir}'
build_id="\${BUILD_WORKDIR##*/}"
# One write per record, under a lock: builds run side by side, and records written piecemeal interleave.
printf -v record '%s' "$build_id"; for a in "$@"; do printf -v record '%s\\x1f%s' "$record" "$a"; done
{ flock 9; printf '%s\\n' "$record" >> "$dir/calls.log"; } 9>>"$dir/calls.lock"
case "\${1:-}" in
  --version) echo "Docker version 27.1.1, build stand-in" ;;
  info) echo "Server Version: 27.1.1 (stand-in)" ;;
  version) echo "linux/amd64" ;;
  login)
    secret=$(cat)
    printf '%s\\n' "$secret" >> "$dir/stdin.log"
    case "$secret" in
      *standin-refuse*) echo "Error response from daemon: Get \\"https://\${*: -1}/v2/\\": unauthorized: incorrect username or password" >&2; exit 1 ;;
    esac
    echo "Login Succeeded"
    ;;
  buildx)
    case "\${2:-}" in
      imagetools) echo '{"architecture":"amd64","os":"linux","config":{"User":"${STAND_IN_BASE_USER}"}}' ;;
      inspect) exit 1 ;;
      create) echo "group-images" ;;
      build)
        context="\${*: -1}"
        [ -f "$context/Dockerfile" ] || { echo "ERROR: no Dockerfile in $context" >&2; exit 1; }
        mkdir -p "$dir/contexts/$build_id" && cp "$context"/* "$dir/contexts/$build_id/"
        behaviour='${behaviour}'
        gate=""
        if [ -f "$context/pip.txt" ]; then
          grep -qx 'standin-fails' "$context/pip.txt" && behaviour=fail
          grep -qx 'standin-hangs' "$context/pip.txt" && behaviour=hang
          gate=$(sed -n 's/^standin-gate-//p' "$context/pip.txt" | head -n 1)
        fi
        echo "#0 building with \\"default\\" instance using docker driver"
        echo "#1 [internal] load build definition from Dockerfile"
        echo "#1 DONE 0.0s"
        echo "#8 [4/6] RUN set -eu; if command -v python >/dev/null 2>&1; then python=python; ..."
        if [ -n "$gate" ]; then
          while [ ! -e "$dir/gate-$gate" ]; do sleep 0.05; done
        fi
        case "$behaviour" in
          fail)
            echo "#8 0.412 ERROR: Could not find a version that satisfies the requirement standin-fails (from versions: none)"
            echo "#8 0.413 ${STAND_IN_FORGED}"
            echo "${STAND_IN_FORGED}" >&2
            echo "#8 ERROR: process \\"/bin/sh -c set -eu; ...\\" did not complete successfully: exit code: ${TEMPLATE_FAILURES.pipInstall.exit}"
            exit 1
            ;;
          hang)
            sleep 600 &
            child=$!
            printf '%s\\n%s\\n' "$$" "$child" >> "$dir/pids"
            echo "#8 1.000 Collecting standin-hangs"
            wait "$child"
            ;;
          *)
            echo "#8 2.101 Successfully installed the packages"
            echo "#8 DONE 2.2s"
            echo "#9 exporting to image"
            echo "#9 DONE 0.1s"
            ;;
        esac
        ;;
      *) echo "stand-in: unexpected buildx \${2:-}" >&2; exit 2 ;;
    esac
    ;;
  *) echo "stand-in: unexpected command \${1:-}" >&2; exit 2 ;;
esac
`;

export async function writeStandInCli(behaviour: StandInBehaviour = 'succeed'): Promise<StandInCli> {
  const dir = await mkdtemp(join(tmpdir(), 'group-images-cli-'));
  const path = join(dir, 'docker');
  await writeFile(path, script(dir, behaviour));
  await chmod(path, 0o755);
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
  const calls = async () =>
    (await read('calls.log'))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [buildId, ...args] = line.split('\x1f');
        return { buildId: buildId!, args };
      });
  return {
    path,
    dir,
    calls,
    callsOf: async (buildId) => (await calls()).filter((c) => c.buildId === buildId),
    argvText: () => read('calls.log'),
    stdinText: () => read('stdin.log'),
    hangingPids: () => (existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').split('\n').filter(Boolean).map(Number) : []),
    async contextOf(buildId) {
      const files: Record<string, string> = {};
      for (const name of ['Dockerfile', 'apt.txt', 'conda.txt', 'pip.txt']) {
        const text = await readFile(join(dir, 'contexts', buildId, name), 'utf8').catch(() => undefined);
        if (text !== undefined) files[name] = text;
      }
      return files;
    },
    async open(key) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `gate-${key}`), '');
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Whether a process still runs (a zombie, killed but not yet reaped by its parent, does not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
