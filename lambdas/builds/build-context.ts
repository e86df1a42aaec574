/**
 * The files a custom image is built from: a fixed Dockerfile template plus one list file per
 * package manager. User entries go into the list files only; the Dockerfile holds nothing a user
 * typed, and the base image reaches it only as the value of the BASE_IMAGE build argument.
 */
import { normalisePackageLists, type PackageLists, type PackageManager } from './package-grammars.ts';

/** Bump whenever the rendered files change for the same spec: it is part of the image tag's hash. */
export const TEMPLATE_VERSION = 3;

/** The Dockerfile's build arguments; the buildspec passes them with --build-arg. */
export const BUILD_ARGS = { baseImage: 'BASE_IMAGE', baseUser: 'BASE_USER' } as const;

/**
 * The platform's package mirrors, as the build arguments the install steps read (empty or absent:
 * the managers' defaults). They come from the platform's settings only, never from a build spec.
 */
export const MIRROR_ARGS = { pipIndexUrl: 'PIP_INDEX_URL', condaChannelAlias: 'CONDA_CHANNEL_ALIAS', aptMirror: 'APT_MIRROR' } as const;

export const LIST_FILES: Record<PackageManager, string> = { apt: 'apt.txt', conda: 'conda.txt', pip: 'pip.txt' };

/**
 * Why a template step failed, by the exit status it fails with. The steps run inside the base image
 * (whose shell and packages are the user's), so whatever they print is build output, which anyone
 * can forge; only their exit status is read, by the buildspec, which looks the reason up in
 * FAILURES_FILE. So a failed build's reason is always one of these sentences, never text a package
 * or a base image printed.
 */
export const TEMPLATE_FAILURES = {
  aptMissing: { exit: 201, reason: 'apt packages were requested but the base image has no apt-get (it is not Debian or Ubuntu based)' },
  aptUpdate: { exit: 202, reason: "apt-get update failed: the base image's package sources (or the platform's apt mirror) could not be read" },
  aptUnknown: {
    exit: 203,
    reason:
      "an apt entry names no package of the base image's package sources under exactly that name (names are never patterns): the build log lists the names that were not found",
  },
  aptInstall: { exit: 204, reason: 'apt-get could not install the apt packages: check the package names and versions in the build log' },
  condaMissing: { exit: 211, reason: 'conda packages were requested but the base image has no conda (or mamba)' },
  condaInstall: { exit: 212, reason: 'conda could not install the conda packages: check the package names, versions and channels in the build log' },
  pythonMissing: { exit: 221, reason: 'pip packages were requested but the base image has no python' },
  pipMissing: { exit: 222, reason: "pip packages were requested but the base image's python has no pip" },
  pipInstall: { exit: 223, reason: 'pip could not install the pip packages: check the requirement names and versions in the build log' },
} as const;

/** The reasons table the buildspec reads: `<exit status>\t<reason>` per line. */
export const FAILURES_FILE = 'template-failures.tsv';

/** Where the list files sit inside the image (kept: they document what was installed). */
const LIST_DIR = '/opt/group-images';

/**
 * The image's lock: what its package managers say is installed once the template's installs are done,
 * one file per manager (a manager the image lacks leaves no file). The buildspec copies this directory
 * out of the built image and reports it (image-lock.ts reads it); the image keeps it too.
 */
export const LOCK_DIR = `${LIST_DIR}/lock`;
export const LOCK_FILES = { apt: 'apt.tsv', conda: 'conda.json', pip: 'pip-freeze.txt' } as const;

// Best effort on every manager: a lock that cannot be taken leaves its file out, it never fails the build.
// Fully installed packages only ("ii"); dpkg-query's fields are its own, not the shell's (single quotes).
const LOCK_STEP = [
  'RUN set -u; \\',
  `    mkdir -p ${LOCK_DIR}; rm -f ${LOCK_DIR}/*; \\`,
  `    if command -v dpkg-query >/dev/null 2>&1; then dpkg-query --show --showformat='\${db:Status-Abbrev}\\t\${Package}\\t\${Version}\\t\${Architecture}\\n' \\`,
  `      | awk -F '\\t' '$1 ~ /^ii/ { print $2 "\\t" $3 "\\t" $4 }' > ${LOCK_DIR}/${LOCK_FILES.apt} || rm -f ${LOCK_DIR}/${LOCK_FILES.apt}; fi; \\`,
  '    python=; if command -v python >/dev/null 2>&1; then python=python; elif command -v python3 >/dev/null 2>&1; then python=python3; fi; \\',
  `    if [ -n "$python" ] && "$python" -m pip --version >/dev/null 2>&1; then PIP_DISABLE_PIP_VERSION_CHECK=1 "$python" -m pip freeze --all > ${LOCK_DIR}/${LOCK_FILES.pip} 2>/dev/null || rm -f ${LOCK_DIR}/${LOCK_FILES.pip}; fi; \\`,
  `    if command -v conda >/dev/null 2>&1; then HOME=/root conda list --json > ${LOCK_DIR}/${LOCK_FILES.conda} 2>/dev/null || rm -f ${LOCK_DIR}/${LOCK_FILES.conda}; fi; \\`,
  '    true',
];

type Failure = keyof typeof TEMPLATE_FAILURES;
// A human line for the log (not read by anything), then the exit status that carries the reason out.
const fail = (failure: Failure) => `{ echo "group-images: ${TEMPLATE_FAILURES[failure].reason}" >&2; exit ${TEMPLATE_FAILURES[failure].exit}; }`;
/** A mirror build argument is exported to the manager when set, and unset when empty (an empty index url is not "the default"). */
const useMirror = (arg: string) => `if [ -n "\${${arg}:-}" ]; then export ${arg}; else unset ${arg}; fi; \\`;
const APT_SOURCES = '/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources';
const APT_NAMES = '/tmp/group-images-apt-names';
const APT_NOT_FOUND = '/tmp/group-images-apt-not-found';

// Each step COPYs its own list just before its RUN, so a change to one list (say, one more pip
// package) leaves the layers of the steps before it cached.
const STEPS: Record<PackageManager, string[]> = {
  apt: [
    `ARG ${MIRROR_ARGS.aptMirror}`,
    `COPY ${LIST_FILES.apt} ${LIST_DIR}/${LIST_FILES.apt}`,
    'RUN set -eu; \\',
    `    command -v apt-get >/dev/null 2>&1 || ${fail('aptMissing')}; \\`,
    '    echo "group-images: installing apt packages"; \\',
    '    export DEBIAN_FRONTEND=noninteractive; \\',
    // The platform's mirror replaces every source's scheme and host (paths kept) while installing; the
    // image keeps its own sources. The setting is validated to characters a sed replacement cannot misread.
    `    if [ -n "\${${MIRROR_ARGS.aptMirror}:-}" ]; then for f in ${APT_SOURCES}; do \\`,
    `      if [ -f "$f" ]; then cp "$f" "$f.group-images"; sed -i -E "s#https?://[^/[:space:]]+#\${${MIRROR_ARGS.aptMirror}%/}#g" "$f"; fi; done; fi; \\`,
    `    apt-get update || ${fail('aptUpdate')}; \\`,
    // apt-get reads a name it does not know that holds "." or "+" as a regular expression
    // ("lib+ssl" installs dozens of packages): every entry's name must exist exactly as written.
    `    apt-cache pkgnames | LC_ALL=C sort -u > ${APT_NAMES}; \\`,
    `    sed -E 's#[:=/].*##' ${LIST_DIR}/${LIST_FILES.apt} | LC_ALL=C sort -u | LC_ALL=C comm -23 - ${APT_NAMES} > ${APT_NOT_FOUND}; \\`,
    `    if [ -s ${APT_NOT_FOUND} ]; then echo "group-images: no apt package is named exactly:" >&2; cat ${APT_NOT_FOUND} >&2; ${fail('aptUnknown')}; fi; \\`,
    // One name per line; GNU xargs with a newline delimiter never splits or unquotes an entry.
    `    xargs --no-run-if-empty --delimiter='\\n' --arg-file=${LIST_DIR}/${LIST_FILES.apt} apt-get install --yes --no-install-recommends \\`,
    `      || ${fail('aptInstall')}; \\`,
    `    for f in ${APT_SOURCES}; do if [ -f "$f.group-images" ]; then mv "$f.group-images" "$f"; fi; done; \\`,
    '    apt-get clean; \\',
    `    rm -rf /var/lib/apt/lists/* ${APT_NAMES} ${APT_NOT_FOUND}`,
  ],
  conda: [
    `ARG ${MIRROR_ARGS.condaChannelAlias}`,
    `COPY ${LIST_FILES.conda} ${LIST_DIR}/${LIST_FILES.conda}`,
    'RUN set -eu; \\',
    '    if command -v conda >/dev/null 2>&1; then manager=conda; \\',
    '    elif command -v mamba >/dev/null 2>&1; then manager=mamba; \\',
    `    else ${fail('condaMissing')}; fi; \\`,
    '    echo "group-images: installing conda packages with $manager"; \\',
    `    ${useMirror(MIRROR_ARGS.condaChannelAlias)}`,
    // HOME=/root keeps root-owned caches out of the base user's home directory.
    `    HOME=/root "$manager" install --yes --file ${LIST_DIR}/${LIST_FILES.conda} \\`,
    `      || ${fail('condaInstall')}; \\`,
    '    HOME=/root "$manager" clean --all --force-pkgs-dirs --yes',
  ],
  pip: [
    `ARG ${MIRROR_ARGS.pipIndexUrl}`,
    `COPY ${LIST_FILES.pip} ${LIST_DIR}/${LIST_FILES.pip}`,
    'RUN set -eu; \\',
    '    if command -v python >/dev/null 2>&1; then python=python; \\',
    '    elif command -v python3 >/dev/null 2>&1; then python=python3; \\',
    `    else ${fail('pythonMissing')}; fi; \\`,
    `    "$python" -m pip --version >/dev/null 2>&1 || ${fail('pipMissing')}; \\`,
    '    echo "group-images: installing pip packages with $("$python" -m pip --version)"; \\',
    `    ${useMirror(MIRROR_ARGS.pipIndexUrl)}`,
    // The image is single-purpose: installing into a distribution's Python (PEP 668) is intended.
    '    HOME=/root PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_BREAK_SYSTEM_PACKAGES=1 \\',
    `      "$python" -m pip install --no-cache-dir --requirement ${LIST_DIR}/${LIST_FILES.pip} \\`,
    `      || ${fail('pipInstall')}`,
  ],
};

export interface BuildContext {
  /** File name -> content; always a Dockerfile and the failure reasons, plus a list file for each non-empty list. */
  files: Record<string, string>;
}

/** The build context of a spec (normalised first, so equal specs render equal files). */
export function renderBuildContext(spec: { baseImage: string; packages: PackageLists }): BuildContext {
  const packages = normalisePackageLists(spec.packages);
  const files: Record<string, string> = {};
  const lines = [
    `# Group Images build template v${TEMPLATE_VERSION}. Generated: the package lists are data in the *.txt files beside it.`,
    `ARG ${BUILD_ARGS.baseImage}`,
    `FROM \${${BUILD_ARGS.baseImage}}`,
  ];
  const managers = (['apt', 'conda', 'pip'] as const).filter((m) => packages[m]?.length);
  // Root for the installs and the lock (every build takes one, with or without packages).
  lines.push('USER root');
  for (const manager of managers) {
    files[LIST_FILES[manager]] = `${packages[manager]!.join('\n')}\n`;
    lines.push(...STEPS[manager]);
  }
  lines.push(...LOCK_STEP);
  // Restore the user the base image runs as (read from its config by the buildspec; root when it declares none).
  lines.push(`ARG ${BUILD_ARGS.baseUser}=root`, `USER \${${BUILD_ARGS.baseUser}:-root}`);
  files.Dockerfile = `${lines.join('\n')}\n`;
  files[FAILURES_FILE] = Object.values(TEMPLATE_FAILURES)
    .map((f) => `${f.exit}\t${f.reason}\n`)
    .join('');
  return { files };
}
