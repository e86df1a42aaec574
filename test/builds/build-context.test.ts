import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BUILD_ARGS, FAILURES_FILE, LIST_FILES, TEMPLATE_FAILURES, TEMPLATE_VERSION, renderBuildContext } from '../../lambdas/builds/build-context.ts';
import type { BuildSpec } from '../../lambdas/domain/build-spec.ts';
import { checkApt, checkConda, checkPip } from '../../lambdas/builds/package-grammars.ts';

// Set UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate template change (and bump TEMPLATE_VERSION).
const golden = (name: string, actual: string) => {
  const url = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  expect(actual).toBe(readFileSync(url, 'utf8'));
};

const spec = (packages: BuildSpec['packages'], baseImage = 'python:3.12'): BuildSpec => ({ baseImage, packages });

describe('renderBuildContext golden Dockerfiles', () => {
  it('renders the base image alone when every list is empty', () => {
    const { files } = renderBuildContext(spec({ apt: [], pip: [] }));

    expect(Object.keys(files).sort()).toEqual(['Dockerfile', FAILURES_FILE]);
    golden('empty.Dockerfile', files.Dockerfile);
  });

  it('renders the apt step alone', () => {
    const { files } = renderBuildContext(spec({ apt: ['curl', 'g++'] }));

    expect(Object.keys(files).sort()).toEqual(['Dockerfile', 'apt.txt', FAILURES_FILE]);
    golden('apt-only.Dockerfile', files.Dockerfile);
  });

  it('renders apt, then conda, then pip', () => {
    const { files } = renderBuildContext(spec({ pip: ['requests'], conda: ['numpy'], apt: ['curl'] }));

    expect(Object.keys(files).sort()).toEqual(['Dockerfile', 'apt.txt', 'conda.txt', 'pip.txt', FAILURES_FILE]);
    golden('all-managers.Dockerfile', files.Dockerfile);
  });
});

describe('renderBuildContext', () => {
  it('writes the normalised entries, one per line, into the list files', () => {
    const { files } = renderBuildContext(
      spec({
        apt: ['wget', ' curl', 'libssl-dev=3.0.11-1~deb12u2', 'curl'],
        conda: ['-c conda-forge::numpy==1.17*', 'numpy>=1.20,<2'],
        pip: ['torch==2.1.0+cu118', 'backports.zoneinfo; python_version < "3.9"'],
      }),
    );

    expect(files['apt.txt']).toBe('curl\nlibssl-dev=3.0.11-1~deb12u2\nwget\n');
    expect(files['conda.txt']).toBe('conda-forge::numpy==1.17*\nnumpy>=1.20,<2\n');
    expect(files['pip.txt']).toBe('backports.zoneinfo; python_version < "3.9"\ntorch==2.1.0+cu118\n');
  });

  it('takes the base image only as a build argument and restores the base user last', () => {
    const { Dockerfile } = renderBuildContext(spec({ pip: ['requests'] }, 'registry.example.com/team/base:1.0')).files;
    const lines = Dockerfile.trimEnd().split('\n');

    expect(Dockerfile).not.toContain('registry.example.com');
    expect(lines.slice(1, 3)).toEqual([`ARG ${BUILD_ARGS.baseImage}`, `FROM \${${BUILD_ARGS.baseImage}}`]);
    expect(lines.slice(-2)).toEqual([`ARG ${BUILD_ARGS.baseUser}=root`, `USER \${${BUILD_ARGS.baseUser}:-root}`]);
    expect(Dockerfile).toContain(`template v${TEMPLATE_VERSION}`);
  });

  it('copies each list right before its own install step, so earlier layers stay cached', () => {
    const lines = renderBuildContext(spec({ apt: ['curl'], conda: ['numpy'], pip: ['requests'] })).files.Dockerfile.split('\n');
    const copyAt = (file: string) => lines.findIndex((l) => l.startsWith(`COPY ${file} `));

    for (const file of Object.values(LIST_FILES)) expect(lines[copyAt(file) + 1]).toMatch(/^RUN /);
    expect(copyAt(LIST_FILES.apt)).toBeLessThan(copyAt(LIST_FILES.conda));
    expect(copyAt(LIST_FILES.conda)).toBeLessThan(copyAt(LIST_FILES.pip));
    expect(lines.filter((l) => l.startsWith('COPY '))).toHaveLength(3);
  });

  it('cleans the package caches', () => {
    const { Dockerfile } = renderBuildContext(spec({ apt: ['curl'], conda: ['numpy'], pip: ['requests'] })).files;

    expect(Dockerfile).toContain('rm -rf /var/lib/apt/lists/*');
    expect(Dockerfile).toContain('clean --all --force-pkgs-dirs --yes');
    expect(Dockerfile).toContain('pip install --no-cache-dir');
  });

  it('keeps a marker entry out of the Dockerfile', () => {
    const { files } = renderBuildContext(spec({ apt: ['zzq-marker-apt'], conda: ['zzq-marker-conda'], pip: ['zzq-marker-pip'] }));

    expect(files.Dockerfile).not.toMatch(/zzq-marker/);
    expect(files['pip.txt']).toBe('zzq-marker-pip\n');
  });

  // Stronger than "the entries do not appear": the Dockerfile depends only on which lists are non-empty.
  it('renders the same Dockerfile whatever the entries and the base image are', () => {
    const entry = (check: (e: string) => string | null, samples: string[]) =>
      fc.oneof(fc.constantFrom(...samples), fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,30}[a-z0-9]$/)).filter((e) => check(e) === null);
    const apt = fc.array(entry(checkApt, ['curl', 'g++', 'libssl-dev=3.0.11-1~deb12u2', 'libc6:amd64', 'python3', 'apt-get']), { maxLength: 5 });
    const conda = fc.array(entry(checkConda, ['numpy==1.17*', '-c conda-forge::numpy==1.17*', 'numpy 1.17.* py38_0', 'conda', 'mamba']), { maxLength: 5 });
    const pip = fc.array(entry(checkPip, ['requests==2.32.3', 'uvicorn[standard]>=0.30', 'backports.zoneinfo; python_version < "3.9"', 'pip']), {
      maxLength: 5,
    });
    const base = fc.constantFrom('python:3.12', 'registry.example.com/team/base:1.0', 'ubuntu@sha256:' + 'a'.repeat(64));

    fc.assert(
      fc.property(apt, conda, pip, base, (a, c, p, b) => {
        const rendered = renderBuildContext(spec({ apt: a, conda: c, pip: p }, b)).files.Dockerfile;
        const reference = renderBuildContext(spec({ apt: a.length ? ['curl'] : [], conda: c.length ? ['numpy'] : [], pip: p.length ? ['requests'] : [] })).files
          .Dockerfile;
        expect(rendered).toBe(reference);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the install steps, run with stand-in package managers', () => {
  /** The Dockerfile's RUN commands as the shell receives them (line continuations joined). */
  const runCommands = (dockerfile: string) => {
    const commands: string[] = [];
    let current: string | null = null;
    for (const line of dockerfile.split('\n')) {
      if (current === null && !line.startsWith('RUN ')) continue;
      const text: string = current === null ? line.slice(4) : line;
      current = (current ?? '') + (text.endsWith('\\') ? text.slice(0, -1) : text);
      if (!text.endsWith('\\')) {
        commands.push(current);
        current = null;
      }
    }
    return commands;
  };

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-images-run-'));
    mkdirSync(join(dir, 'bin'));
    // Each stand-in logs its argv, one argument per line, and exits with $STUB_EXIT.
    for (const tool of ['apt-get', 'conda', 'python']) {
      const stub = join(dir, 'bin', tool);
      writeFileSync(
        stub,
        `#!/bin/sh\necho "== ${tool}" >> "${dir}/argv"\nfor a in "$@"; do printf '%s\\n' "$a" >> "${dir}/argv"; done\nexit \${STUB_EXIT:-0}\n`,
      );
      chmodSync(stub, 0o755);
    }
    // apt-cache pkgnames: the names the package sources know, one per line.
    writeFileSync(join(dir, 'bin', 'apt-cache'), `#!/bin/sh\nprintf '%s\\n' $STUB_PKGNAMES\n`);
    chmodSync(join(dir, 'bin', 'apt-cache'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const KNOWN_APT = 'curl g++ libssl-dev wget';
  const run = (command: string, files: Record<string, string>, stubExit = '0', env: Record<string, string> = {}) => {
    for (const [name, content] of Object.entries(files)) if (name !== 'Dockerfile') writeFileSync(join(dir, name), content);
    const script = command.replaceAll('/tmp/group-images-apt-', '/opt/group-images/tmp-apt-').replaceAll('/opt/group-images/', `${dir}/`);
    return spawnSync('sh', ['-c', script], {
      env: { PATH: `${dir}/bin:/usr/bin:/bin`, STUB_EXIT: stubExit, STUB_PKGNAMES: KNOWN_APT, ...env },
      encoding: 'utf8',
    });
  };
  const argv = () => readFileSync(join(dir, 'argv'), 'utf8');

  it('is valid sh', () => {
    const { Dockerfile } = renderBuildContext(spec({ apt: ['curl'], conda: ['numpy'], pip: ['requests'] })).files;
    for (const command of runCommands(Dockerfile)) expect(spawnSync('sh', ['-n', '-c', command]).status).toBe(0);
  });

  it('hands each apt entry to apt-get as one argument, never through a shell', () => {
    const { files } = renderBuildContext(spec({ apt: ['curl', 'g++', 'libssl-dev=3.0.11-1~deb12u2'] }));

    const result = run(runCommands(files.Dockerfile)[0], files);

    expect(result.status).toBe(0);
    expect(argv()).toBe(
      [
        '== apt-get',
        'update',
        '== apt-get',
        'install',
        '--yes',
        '--no-install-recommends',
        'curl',
        'g++',
        'libssl-dev=3.0.11-1~deb12u2',
        '== apt-get',
        'clean',
        '',
      ].join('\n'),
    );
  });

  it('gives conda and pip the list files, not the entries', () => {
    const { files } = renderBuildContext(spec({ conda: ['numpy'], pip: ['requests'] }));
    const [conda, pip] = runCommands(files.Dockerfile);

    expect(run(conda, files).status).toBe(0);
    expect(run(pip, files).status).toBe(0);
    expect(argv()).toContain(['== conda', 'install', '--yes', '--file', `${dir}/conda.txt`].join('\n'));
    expect(argv()).toContain(['== python', '-m', 'pip', 'install', '--no-cache-dir', '--requirement', `${dir}/pip.txt`].join('\n'));
    expect(argv()).not.toMatch(/^(numpy|requests)$/m);
  });

  it("fails a step with the template's exit status for its reason, and prints no marker", () => {
    const { files } = renderBuildContext(spec({ pip: ['requests'] }));

    const result = run(runCommands(files.Dockerfile)[0], files, '1');

    expect(result.status).toBe(TEMPLATE_FAILURES.pipMissing.exit);
    expect(result.stderr).not.toMatch(/FAILED/);
    expect(files[FAILURES_FILE]).toContain(`${TEMPLATE_FAILURES.pipMissing.exit}\t${TEMPLATE_FAILURES.pipMissing.reason}\n`);
  });

  it('lists every template failure, each with its own exit status, in the reasons file', () => {
    const { files } = renderBuildContext(spec({}));
    const rows = files[FAILURES_FILE].trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));

    expect(rows).toEqual(Object.values(TEMPLATE_FAILURES).map((f) => [String(f.exit), f.reason]));
    expect(new Set(rows.map(([exit]) => exit)).size).toBe(rows.length);
  });

  // apt-get falls back to a regular expression for a name it does not know that holds "." or "+".
  it.each([['texlive-.+'], ['lib+ssl'], ['curl.']])('never hands apt-get an entry whose name does not exist as written: %s', (entry) => {
    const { files } = renderBuildContext(spec({ apt: ['curl', entry] }));

    const result = run(runCommands(files.Dockerfile)[0], files);

    expect(result.status).toBe(TEMPLATE_FAILURES.aptUnknown.exit);
    expect(argv()).not.toContain('install');
    expect(result.stderr).toContain(`no apt package is named exactly:\n${entry}\n`);
  });

  it('checks the name part of versioned, released and multiarch entries', () => {
    const { files } = renderBuildContext(spec({ apt: ['libssl-dev=3.0.11-1~deb12u2', 'curl/bookworm-backports', 'wget:amd64'] }));

    const result = run(runCommands(files.Dockerfile)[0], files);

    expect(result.status).toBe(0);
    expect(argv()).toContain(
      ['install', '--yes', '--no-install-recommends', 'curl/bookworm-backports', 'libssl-dev=3.0.11-1~deb12u2', 'wget:amd64'].join('\n'),
    );
  });

  it("points apt at the platform's mirror while installing, then restores the image's sources", () => {
    const { files } = renderBuildContext(spec({ apt: ['curl'] }));
    const sources = join(dir, 'sources.list');
    writeFileSync(sources, 'deb http://deb.debian.org/debian bookworm main\ndeb https://security.debian.org/debian-security bookworm-security main\n');
    writeFileSync(join(dir, 'bin', 'apt-get'), `#!/bin/sh\n[ "$1" = update ] && cp "${sources}" "${dir}/seen-sources"\nexit 0\n`);
    const command = runCommands(files.Dockerfile)[0]!.replaceAll('/etc/apt/sources.list ', `${sources} `);

    const result = run(command, files, '0', { APT_MIRROR: 'http://apt-proxy.example.com:8081/' });

    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'seen-sources'), 'utf8')).toBe(
      'deb http://apt-proxy.example.com:8081/debian bookworm main\ndeb http://apt-proxy.example.com:8081/debian-security bookworm-security main\n',
    );
    expect(readFileSync(sources, 'utf8')).toContain('deb http://deb.debian.org/debian bookworm main');
  });

  it("gives pip the platform's index only when one is set", () => {
    const { files } = renderBuildContext(spec({ pip: ['requests'] }));
    writeFileSync(join(dir, 'bin', 'python'), `#!/bin/sh\necho "index=\${PIP_INDEX_URL-unset} $*" >> "${dir}/argv"\n`);
    const pip = runCommands(files.Dockerfile)[0]!;

    expect(run(pip, files, '0', { PIP_INDEX_URL: 'http://127.0.0.1:8080/simple/' }).status).toBe(0);
    expect(run(pip, files, '0', { PIP_INDEX_URL: '' }).status).toBe(0);
    const installs = argv()
      .split('\n')
      .filter((l) => l.startsWith('index=') && l.includes(' install '));
    expect(installs.map((l) => l.split(' ')[0])).toEqual(['index=http://127.0.0.1:8080/simple/', 'index=unset']);
  });
});
