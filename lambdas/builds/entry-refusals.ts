/**
 * The refusal classes every package grammar checks first, before any character or grammar rule,
 * so that the first message says what the entry is (an option, a URL, a path, a package file...)
 * and what to write instead. One wording per class, shared by the three managers.
 */

/** Valid forms shown in the messages, per manager. */
export const VALID_FORM = {
  apt: '"curl" or "libssl-dev=3.0.11-1~deb12u2"',
  conda: '"numpy>=1.20" or "conda-forge::numpy=1.26"',
  pip: '"requests==2.32.3"',
} as const;

type Manager = keyof typeof VALID_FORM;

export const refusal = {
  option: (manager: Manager, examples: string) => `${manager} options (${examples}) are not allowed: give one package spec, e.g. ${VALID_FORM[manager]}`,
  url: (manager: Manager) =>
    `URLs are not allowed: name a package from the ${manager === 'pip' ? 'package index' : 'repository'} instead, e.g. ${VALID_FORM[manager]}`,
  path: (manager: Manager) =>
    `local paths are not allowed: name a package from the ${manager === 'pip' ? 'package index' : 'repository'} instead, e.g. ${VALID_FORM[manager]}`,
  file: (manager: Manager, file: string) =>
    `package files ("${file}") are not allowed: name a package from the ${manager === 'pip' ? 'package index' : 'repository'} instead, e.g. ${VALID_FORM[manager]}`,
  comment: (manager: Manager) => `comments ("#") are not allowed: give the package spec alone, e.g. ${VALID_FORM[manager]}`,
  variable: (manager: Manager, c: string) => `"${c}" is not allowed: variables are not expanded, write the value itself, e.g. ${VALID_FORM[manager]}`,
};
