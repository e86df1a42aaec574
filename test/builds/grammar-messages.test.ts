/**
 * Each refusal class has one message that names what the entry is and shows a valid form, and it
 * is the first message: an option that holds a URL and a "#" is reported as an option, a path to a
 * package file as a path.
 */
import { PACKAGE_CHECKS, type PackageManager } from '../../lambdas/builds/package-grammars.ts';

const CLASSES: { name: string; message: RegExp; entries: [PackageManager, string][] }[] = [
  {
    name: 'an option',
    message: /^(apt|conda|pip) options \(.+\) are not allowed: give one package spec, e\.g\. "/,
    entries: [
      ['pip', '-e .'],
      ['pip', '-e git+https://github.com/x/y.git#egg=y'],
      ['pip', '-r other.txt'],
      ['pip', '--index-url http://evil.example'],
      ['pip', 'requests --hash=sha256:abc'],
      ['pip', '-e ./x.whl'],
      ['conda', '--override-channels'],
      ['conda', '-n base numpy'],
      ['apt', '-y'],
      ['apt', '--allow-unauthenticated'],
      ['apt', '-o APT::Get::AllowUnauthenticated=1'],
    ],
  },
  {
    name: 'a URL',
    message: /^URLs are not allowed: name a package from the (package index|repository) instead, e\.g\. "|never URLs: write e\.g\. "/,
    entries: [
      ['pip', 'git+https://github.com/psf/requests'],
      ['pip', 'https://files.pythonhosted.org/packages/x.whl'],
      ['pip', 'file:///tmp/x.whl'],
      ['apt', 'https://example.com/x.deb'],
      ['conda', 'https://conda.anaconda.org/conda-forge::numpy'],
      ['conda', '-c https://conda.anaconda.org/conda-forge numpy'],
      ['conda', 'file:///tmp/channel::numpy'],
    ],
  },
  {
    name: 'a direct reference',
    message: /^direct references \("name @ url"\) are not allowed: .*e\.g\. "/,
    entries: [
      ['pip', 'pkg @ https://example.com/pkg.whl'],
      ['pip', 'pkg[extra]@https://example.com/pkg.whl'],
    ],
  },
  {
    name: 'a path',
    message: /^local paths are not allowed: name a package from the (package index|repository) instead, e\.g\. "/,
    entries: [
      ['pip', './local'],
      ['pip', '.'],
      ['pip', '/abs/path'],
      ['pip', '../x'],
      ['pip', '~/pkg'],
      ['pip', 'C:\\pkg'],
      ['pip', 'src/pkg'],
      ['apt', './local.deb'],
      ['apt', '/tmp/x.deb'],
      ['apt', '~/x'],
      ['conda', './channel::numpy'],
      ['conda', '/opt/channel::numpy'],
      ['conda', '/some/file/on/disk/package-1.2.3-2.tar.bz2'],
    ],
  },
  {
    name: 'a package file',
    message: /^package files \("\.[a-z.0-9]+"\) are not allowed: name a package from the (package index|repository) instead, e\.g\. "/,
    entries: [
      ['pip', 'pkg.whl'],
      ['pip', 'pkg-1.0.tar.gz'],
      ['pip', 'pkg.zip'],
      ['apt', 'foo.deb'],
      ['conda', 'numpy-1.17-py38_0.tar.bz2'],
      ['conda', 'numpy-1.26.4-py311h64a7726_0.conda'],
    ],
  },
  {
    name: 'a comment',
    message: /^comments \("#"\) are not allowed: give the package spec alone, e\.g\. "/,
    entries: [
      ['pip', 'requests # comment'],
      ['pip', 'requests#egg'],
      ['conda', 'numpy # comment'],
      ['apt', 'curl#x'],
    ],
  },
  {
    name: 'a variable',
    message: /^"[${}]" is not allowed: variables are not expanded, write the value itself, e\.g\. "/,
    entries: [
      ['pip', 'requests==${VERSION}'],
      ['conda', 'numpy=$V'],
      ['apt', '$(id)'],
    ],
  },
  {
    name: 'an apt version pattern',
    message: /^version patterns \(".+"\) are not allowed: apt entries are literal, so give an exact version \(e\.g\. "/,
    entries: [
      ['apt', 'curl=*'],
      ['apt', 'nodejs=18.*'],
      ['apt', 'libc6:amd64=2.36*'],
    ],
  },
  {
    name: 'a marker pip cannot evaluate',
    message: /pip cannot evaluate.*\(e\.g\. python_version/,
    entries: [
      ['pip', 'pkg; "b" > "a"'],
      ['pip', 'pkg; os_name ~= "posix"'],
      ['pip', 'pkg; os_name === "posix"'],
      ['pip', 'pkg; python_version ~= "3"'],
    ],
  },
];

describe.each(CLASSES)('$name', ({ message, entries }) => {
  it.each(entries)('%s %j is refused with the message for its class', (manager, entry) => {
    expect(PACKAGE_CHECKS[manager](entry)).toMatch(message);
  });
});
