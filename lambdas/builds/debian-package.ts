/**
 * `apt-get install` arguments: a Debian package name (policy 5.6.1), optionally an architecture
 * qualifier (`libc6:amd64`, multiarch) and either `=version` (policy 5.6.12) or `/release`
 * (`curl/bookworm-backports`). Nothing else apt-get would read as an option or an action.
 */
import { refusal } from './entry-refusals.ts';

/** Debian's release architectures; a foreign one still needs `dpkg --add-architecture`, which apt will say. */
export const DEBIAN_ARCHITECTURES = new Set(['all', 'amd64', 'arm64', 'armel', 'armhf', 'i386', 'loong64', 'mips64el', 'ppc64el', 'riscv64', 's390x']);

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const RELEASE = /^[a-z0-9][a-z0-9.+-]*$/;
const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
const REVISION = /^[A-Za-z0-9+.~]+$/;
const ALLOWED = /^[A-Za-z0-9+.:~=/-]*$/;
const EXAMPLES = 'e.g. "curl", "g++" or "libssl-dev=3.0.11-1~deb12u2"';

/** What apt-get would read as something other than a package name (an option, a URL, a path), named for what it is. */
export function debianRefusedForm(text: string): string | null {
  if (text.startsWith('-')) return refusal.option('apt', '-y, -o, --allow-unauthenticated...');
  if (text.includes('://')) return refusal.url('apt');
  // apt-get installs "./x.deb" and "/tmp/x.deb" as local files; "name/release" is a release.
  if (/^[.~/]/.test(text) || /\/.*\//.test(text)) return refusal.path('apt');
  return null;
}

/** Why `text` is not an acceptable apt entry, or null. `text` is trimmed, one line, ASCII. */
export function debianPackageProblem(text: string): string | null {
  if (text.includes(' ')) return 'give one package per entry, ' + EXAMPLES;
  const glob = /^[^=]+=(.*\*.*)$/.exec(text);
  if (glob)
    return `version patterns ("${glob[1]}") are not allowed: apt entries are literal, so give an exact version (e.g. "nodejs=18.19.0+dfsg-6~deb12u1"), a release ("nodejs/bookworm-backports") or no version`;
  if (!ALLOWED.test(text)) {
    const bad = [...text].find((c) => !ALLOWED.test(c));
    return `"${bad}" is not allowed in an apt package spec, ${EXAMPLES}`;
  }
  const m = /^([^:=/]+)(?::([^=/]+))?(?:=(.+)|\/(.+))?$/.exec(text);
  if (!m) return `"${text}" is not a Debian package spec: write name, name=version or name/release, ${EXAMPLES}`;
  const [, name, arch, version, release] = m;
  const nameProblem = packageNameProblem(name);
  if (nameProblem) return nameProblem;
  if (arch !== undefined && !DEBIAN_ARCHITECTURES.has(arch)) return `"${arch}" is not a Debian architecture (e.g. "libc6:amd64", "libc6:arm64")`;
  if (version !== undefined) return debianVersionProblem(version);
  if (release !== undefined && !RELEASE.test(release)) return `"${release}" is not a Debian release name (e.g. "curl/bookworm-backports")`;
  return null;
}

function packageNameProblem(name: string): string | null {
  if (/[A-Z]/.test(name)) return `Debian package names are lowercase ("${name.toLowerCase()}", not "${name}")`;
  if (!NAME.test(name)) {
    return `"${name}" is not a Debian package name: at least two characters, lowercase letters, digits, "+", "-" and ".", starting with a letter or digit`;
  }
  // apt-get reads a trailing "-" as "remove this package".
  if (name.endsWith('-')) return `"${name}" ends with "-", which apt-get reads as "remove this package"`;
  return null;
}

/** [epoch:]upstream_version[-debian_revision] */
export function debianVersionProblem(version: string): string | null {
  const what = `"${version}" is not a Debian version (e.g. "3.0.11-1~deb12u2", "1:2.39-1")`;
  let rest = version;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    if (!/^[0-9]+$/.test(rest.slice(0, colon))) return what;
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  if (dash >= 0 && !REVISION.test(rest.slice(dash + 1))) return what;
  if (!UPSTREAM.test(upstream)) return what;
  // A colon inside the upstream version is only legal when an epoch was given.
  if (colon < 0 && upstream.includes(':')) return what;
  return null;
}
