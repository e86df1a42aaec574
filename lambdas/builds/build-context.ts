/**
 * The files a custom image is built from: a fixed Dockerfile template plus one list file per
 * package manager. User entries go into the list files only; the Dockerfile holds nothing a user
 * typed, and the base image reaches it only as the value of the BASE_IMAGE build argument.
 */
import { normaliseBuildSpec, type BuildSpec } from './build-spec.ts';
import type { PackageManager } from './package-grammars.ts';

/** Bump whenever the rendered files change for the same spec: it is part of the image tag's hash. */
export const TEMPLATE_VERSION = 1;

/** The Dockerfile's build arguments; the buildspec passes them with --build-arg. */
export const BUILD_ARGS = { baseImage: 'BASE_IMAGE', baseUser: 'BASE_USER' } as const;

export const LIST_FILES: Record<PackageManager, string> = { apt: 'apt.txt', conda: 'conda.txt', pip: 'pip.txt' };

/** Where the list files sit inside the image (kept: they document what was installed). */
const LIST_DIR = '/opt/group-images';

const fail = (message: string) => `{ echo "FAILED: ${message}" >&2; exit 1; }`;

// Each step COPYs its own list just before its RUN, so a change to one list (say, one more pip
// package) leaves the layers of the steps before it cached.
const STEPS: Record<PackageManager, string[]> = {
  apt: [
    `COPY ${LIST_FILES.apt} ${LIST_DIR}/${LIST_FILES.apt}`,
    'RUN set -eu; \\',
    `    command -v apt-get >/dev/null 2>&1 || ${fail('apt packages were requested but the base image has no apt-get (it is not Debian or Ubuntu based)')}; \\`,
    '    echo "group-images: installing apt packages"; \\',
    '    export DEBIAN_FRONTEND=noninteractive; \\',
    `    apt-get update || ${fail('apt-get update failed: the base image\'s package sources could not be read')}; \\`,
    // One name per line; GNU xargs with a newline delimiter never splits or unquotes an entry.
    `    xargs --no-run-if-empty --delimiter='\\n' --arg-file=${LIST_DIR}/${LIST_FILES.apt} apt-get install --yes --no-install-recommends \\`,
    `      || ${fail('apt-get could not install the apt packages: check the package names and versions in the lines above')}; \\`,
    '    apt-get clean; \\',
    '    rm -rf /var/lib/apt/lists/*',
  ],
  conda: [
    `COPY ${LIST_FILES.conda} ${LIST_DIR}/${LIST_FILES.conda}`,
    'RUN set -eu; \\',
    '    if command -v conda >/dev/null 2>&1; then manager=conda; \\',
    '    elif command -v mamba >/dev/null 2>&1; then manager=mamba; \\',
    `    else ${fail('conda packages were requested but the base image has no conda (or mamba)')}; fi; \\`,
    '    echo "group-images: installing conda packages with $manager"; \\',
    // HOME=/root keeps root-owned caches out of the base user's home directory.
    `    HOME=/root "$manager" install --yes --file ${LIST_DIR}/${LIST_FILES.conda} \\`,
    `      || ${fail('conda could not install the conda packages: check the package names, versions and channels in the lines above')}; \\`,
    '    HOME=/root "$manager" clean --all --force-pkgs-dirs --yes',
  ],
  pip: [
    `COPY ${LIST_FILES.pip} ${LIST_DIR}/${LIST_FILES.pip}`,
    'RUN set -eu; \\',
    '    if command -v python >/dev/null 2>&1; then python=python; \\',
    '    elif command -v python3 >/dev/null 2>&1; then python=python3; \\',
    `    else ${fail('pip packages were requested but the base image has no python')}; fi; \\`,
    `    "$python" -m pip --version >/dev/null 2>&1 || ${fail("pip packages were requested but the base image's python has no pip")}; \\`,
    '    echo "group-images: installing pip packages with $("$python" -m pip --version)"; \\',
    // The image is single-purpose: installing into a distribution's Python (PEP 668) is intended.
    '    HOME=/root PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_BREAK_SYSTEM_PACKAGES=1 \\',
    `      "$python" -m pip install --no-cache-dir --requirement ${LIST_DIR}/${LIST_FILES.pip} \\`,
    `      || ${fail('pip could not install the pip packages: check the requirement names and versions in the lines above')}`,
  ],
};

export interface BuildContext {
  /** File name -> content; always a Dockerfile, plus a list file for each non-empty list. */
  files: Record<string, string>;
}

/** The build context of a spec (normalised first, so equal specs render equal files). */
export function renderBuildContext(spec: BuildSpec): BuildContext {
  const { packages } = normaliseBuildSpec(spec);
  const files: Record<string, string> = {};
  const lines = [
    `# Group Images build template v${TEMPLATE_VERSION}. Generated: the package lists are data in the *.txt files beside it.`,
    `ARG ${BUILD_ARGS.baseImage}`,
    `FROM \${${BUILD_ARGS.baseImage}}`,
  ];
  const managers = (['apt', 'conda', 'pip'] as const).filter((m) => packages[m]?.length);
  if (managers.length > 0) lines.push('USER root');
  for (const manager of managers) {
    files[LIST_FILES[manager]] = `${packages[manager]!.join('\n')}\n`;
    lines.push(...STEPS[manager]);
  }
  // Restore the user the base image runs as (read from its config by the buildspec; root when it declares none).
  lines.push(`ARG ${BUILD_ARGS.baseUser}=root`, `USER \${${BUILD_ARGS.baseUser}:-root}`);
  files.Dockerfile = `${lines.join('\n')}\n`;
  return { files };
}
