import fc from 'fast-check';
import {
  MAX_ENTRY_LENGTH,
  PACKAGE_CHECKS,
  checkApt,
  checkConda,
  checkPip,
  normaliseEntry,
  type PackageManager,
} from '../../lambdas/builds/package-grammars.ts';

const APT_ACCEPTED = [
  // the contract's examples
  'curl',
  'g++',
  'libssl-dev=3.0.11-1~deb12u2',
  // real-world
  'git',
  'build-essential',
  'ca-certificates',
  'wget',
  'vim',
  'htop',
  'openssh-client',
  'libgl1',
  'libglib2.0-0',
  'ffmpeg',
  'libsm6',
  'libxext6',
  'graphviz',
  'unzip',
  'jq',
  'tmux',
  'locales',
  'tzdata',
  'fonts-noto-cjk',
  'texlive-xetex',
  'pandoc',
  'libpq-dev',
  'default-libmysqlclient-dev',
  'python3-dev',
  'python3.11-venv',
  'libstdc++6',
  'openjdk-17-jdk-headless',
  'libopenblas-dev',
  'gfortran',
  'xz-utils',
  'libc6:amd64',
  'libc6:arm64=2.36-9+deb12u4',
  'curl/bookworm-backports',
  'nodejs=18.19.0+dfsg-6~deb12u1',
  'libcudnn8=8.9.7.29-1+cuda12.2',
  'vim=2:9.0.1378-2',
  'sudo=1.9.13p3-1+deb12u1',
  'r-base=4.2.2.20221110-2',
  '  curl  ', // surrounding spaces are trimmed
];

const APT_REJECTED = [
  '',
  '   ',
  '$(id)',
  '`id`',
  'curl; rm -rf /',
  'curl && id',
  'curl || id',
  'curl | sh',
  'curl > /etc/passwd',
  'curl wget',
  '-y',
  '--allow-unauthenticated',
  '-o APT::Get::AllowUnauthenticated=1',
  'Curl',
  'curl-', // apt-get would remove it
  'a',
  './local.deb',
  '/tmp/x.deb',
  'foo.deb',
  'https://example.com/x.deb',
  'curl=',
  'curl=abc',
  'curl=1.0-',
  'curl=1:',
  'curl=a:1.0',
  'curl:foo',
  'curl:amd64:arm64',
  'curl=*',
  'nodejs=18.*',
  'curl/',
  'curl\n',
  'curl\nwget',
  'cu\rrl',
  'cu\u0000rl',
  'cu\trl',
  '\u0441url', // Cyrillic "с"
  '\uff43url', // fullwidth "ｃ"
  'curl#comment',
  "'curl'",
  '"curl"',
  'curl*',
  'curl?',
  '~/x',
  '${HOME}',
  'curl\\',
  'x'.repeat(MAX_ENTRY_LENGTH + 1),
];

const CONDA_ACCEPTED = [
  // the contract's examples
  'numpy',
  'numpy==1.17*',
  'conda-forge::numpy==1.17*',
  'numpy>=1.20,<2',
  '-c conda-forge::numpy==1.17*',
  // real-world
  'numpy 1.17.*',
  'numpy 1.17.* py38_0',
  'numpy >=1.20, <2',
  'python=3.11',
  'pandas>=2.0',
  'scikit-learn',
  'pytorch::pytorch=2.1.0',
  'pytorch::pytorch-cuda=12.1',
  'nvidia/label/cuda-11.8.0::cuda-toolkit',
  'bioconda::samtools=1.19',
  'conda-forge::r-base=4.3.*',
  'cudatoolkit=11.8',
  'python>=3.9,<3.12',
  'numpy!=1.25.0',
  'numpy=1.26.4=py311h64a7726_0',
  '-c bioconda bwa',
  '-c conda-forge gdal>=3.6',
  'conda-forge/linux-64::numpy',
  'mkl',
  'libblas=*=*mkl',
  '_libgcc_mutex',
  'r-tidyverse',
  'jupyterlab>=4',
  'openjdk=17',
  'tensorflow-gpu==2.10.0',
  'xarray>=2023.1.0',
  'pip',
  'setuptools<70',
  'defaults::python=3.10',
  'pkgs/main::numpy',
  'openssl=1!3.0',
  ' numpy ',
  // accepted by conda's own MatchSpec and list-file reader (issue 15)
  'PyYAML',
  'types-PyYAML',
  'bioconda::LTR_retriever',
  'numpy >= 1.20',
  'python >= 3.9',
  'foo >=1.0 , < 2.0',
  'numpy ==1.17 py38_0',
  'jaxlib>=0.4.31=cuda12*',
  'numpy==1.21.0=py39h1234567_0',
  'bioconda::foldmason=4.dd3c235-0',
  'numpy~=1.26.0',
  'rust ~=1.2.3',
  '__glibc',
];

const CONDA_REJECTED = [
  '',
  'https://conda.anaconda.org/conda-forge::numpy',
  '-c https://conda.anaconda.org/conda-forge numpy',
  'file:///tmp/channel::numpy',
  './channel::numpy',
  '/opt/channel::numpy',
  '../x::numpy',
  '~/channel::numpy',
  'conda-forge//x::numpy',
  'conda-forge:numpy',
  'numpy; rm -rf /',
  'numpy && id',
  '$(id)',
  '`id`',
  "numpy[version='>=1.2']",
  'numpy[build=py38*]',
  'numpy|scipy',
  'python>=3.9|<3',
  'numpy (>=1.0)',
  '--channel conda-forge numpy',
  '--override-channels',
  '-n base numpy',
  '-c',
  '-c conda-forge',
  '-c conda-forge bioconda::samtools',
  'numpy#comment',
  'numpy==1.17* > /tmp/x',
  '*py*',
  'numpy-1.17-py38_0.tar.bz2',
  'numpy-1.26.4-py311h64a7726_0.conda',
  '@EXPLICIT',
  'numpy@',
  'conda-forge::',
  '::numpy',
  'numpy=1.17=py38_0=extra',
  'numpy 1 2 3',
  'numpy==',
  'numpy=1..2',
  'numpy~1.26',
  'numpy>=1.0,',
  '"numpy"',
  "'numpy'",
  'numpy\nscipy',
  'n\u00fcmpy',
  'numpy=${V}',
  'numpy&',
  'a/b/c/d/e::numpy',
  // rejected by conda's MatchSpec (CEP-26 names, VersionOrder)
  'pkg--name',
  'pkg..name',
  '.pkg',
  'numpy=1.2+',
  'numpy=5.5++',
  'numpy>=1.0.',
  'numpy=',
  'bird_tool_utils_python =0.*,>=0.4.1',
  'x'.repeat(MAX_ENTRY_LENGTH + 1),
];

const PIP_ACCEPTED = [
  // the contract's examples
  'requests',
  'requests==2.32.3',
  'scikit-learn>=1.3,<1.6',
  'uvicorn[standard]>=0.30',
  'torch==2.1.0+cu118',
  'backports.zoneinfo; python_version < "3.9"',
  // real-world
  'numpy',
  'pandas>=2.0,<3',
  'Django~=4.2.0',
  'flask[async]==3.0.3',
  'apache-airflow[postgres,google]==2.9.1',
  'tensorflow==2.15.*',
  'jax[cuda12_pip]==0.4.23',
  'pywin32>=306; sys_platform == "win32"',
  'tomli>=1.1.0; python_version < "3.11"',
  'importlib-metadata>=4.6;python_version<"3.10"',
  'typing_extensions>=4.0',
  'black==24.4.2',
  'pydantic>=2,<3',
  'matplotlib!=3.6.1',
  'transformers[torch]>=4.40',
  'opencv-python-headless==4.9.0.80',
  'psycopg2-binary',
  "uvloop; sys_platform != 'win32' and implementation_name == 'cpython'",
  'colorama; platform_system == "Windows"',
  'foo (>=1.0, <2)',
  'nvidia-cudnn-cu12==8.9.2.26; platform_system == "Linux" and platform_machine == "x86_64"',
  'SQLAlchemy>=2.0.0',
  'Pillow',
  'zope.interface',
  'ruamel.yaml<0.18',
  'jupyterlab==4.2.*',
  "numpy>=1.22; python_version >= '3.8'",
  'six===1.16.0',
  'requests[socks,security]',
  'requests[ socks , security ]',
  'dataclasses; python_version == "3.6"',
  'torch>=2.0.0rc1',
  'pkg==1!2.0',
  'foo==1.0.post1',
  'foo==1.0.dev3',
  'foo>=1.0a1',
  'foo==v1.0',
  'greenlet!=0.4.17; platform_machine == "aarch64" or (platform_machine == "ppc64le" or platform_machine == "x86_64")',
  'pytest-xdist[psutil] >= 3.5 ; extra == "test"',
  'pkg; "linux" in sys_platform',
  'pkg; platform_machine not in "armv7l armv6l"',
  // legacy marker spellings pip (packaging) reads
  'pywin32>=306; sys.platform == "win32"',
  'pkg; platform.version == "x"',
  'pkg; os.name == "posix"',
  'pkg; python_implementation == "CPython"',
  'pkg; python_version ~= "3.10"',
  'pkg; python_version === "3.9"',
  'pkg (>=1.0,)',
  'pkg ()',
  'pkg===1.0 ,<2',
  '  requests==2.32.3  ',
];

const PIP_REJECTED = [
  '',
  'pkg @ https://example.com/pkg.whl',
  'pkg@https://example.com/pkg.whl',
  '-e .',
  '-e git+https://github.com/x/y.git#egg=y',
  'git+https://github.com/psf/requests',
  'https://files.pythonhosted.org/packages/x.whl',
  'file:///tmp/x.whl',
  './local',
  '.',
  '/abs/path',
  '../x',
  '~/pkg',
  'C:\\pkg',
  'pkg.whl',
  'pkg-1.0.tar.gz',
  'pkg.zip',
  '--index-url http://evil.example',
  '--extra-index-url=http://evil.example',
  '-r other.txt',
  '-c constraints.txt',
  '--trusted-host evil.example',
  '--pre requests',
  'requests --hash=sha256:abc',
  'requests -i http://evil.example',
  'requests; rm -rf /',
  'requests && id',
  'requests || id',
  '$(id)',
  '`id`',
  'requests#egg',
  'requests # comment',
  'requests\nid',
  'requests\r',
  're\u0000quests',
  'requests==${VERSION}',
  'r\u0435quests', // Cyrillic "е"
  'requests\uff1b python_version < "3"', // fullwidth semicolon
  'requests[',
  'requests[]]',
  'requests==',
  'requests==2.32.3.*.*',
  'requests>=2.*',
  'requests<=1.0+local',
  'requests~=1',
  'requests~=1.0.*',
  'requests>=2.0<3',
  'requests 2.0',
  'requests=2.0',
  "'requests'",
  'requests; python_version < "3.9" and',
  'requests; (python_version < "3.9"',
  'requests; python_version < "3.9")',
  'requests; extra == "a" or',
  'requests; unknown_var == "x"',
  'requests; python_version < 3.9',
  'requests; python_version < "3.9"; x',
  'requests; python_version == "a -x"',
  'requests; python_version == "$HOME"',
  "requests; python_version == '3.9",
  'requests;',
  'requests; python_version',
  'requests; python_version "3"',
  'requests; not python_version == "3"',
  // parsed by packaging but pip cannot evaluate them
  'pkg; "b" > "a"',
  'pkg; os_name ~= "posix"',
  'pkg; os_name === "posix"',
  'pkg; python_version ~= "3"',
  'pkg; platform.release == "6"',
  'pkg; extras == "a"',
  'pkg===x, <y',
  'pkg===',
  '-requests',
  '_requests',
  'requests-',
  'x'.repeat(MAX_ENTRY_LENGTH + 1),
];

describe.each<[PackageManager, (e: string) => string | null, string[], string[]]>([
  ['apt', checkApt, APT_ACCEPTED, APT_REJECTED],
  ['conda', checkConda, CONDA_ACCEPTED, CONDA_REJECTED],
  ['pip', checkPip, PIP_ACCEPTED, PIP_REJECTED],
])('%s entries', (_manager, check, accepted, rejected) => {
  it.each(accepted.map((e) => [e]))('accepts %j', (entry) => {
    expect(check(entry)).toBeNull();
  });

  it.each(rejected.map((e) => [e]))('rejects %j with a reason', (entry) => {
    const reason = check(entry);
    expect(typeof reason).toBe('string');
    expect(reason!.length).toBeGreaterThan(10);
  });
});

describe('reasons a group admin can act on', () => {
  it.each([
    [checkPip, 'pkg @ https://example.com/pkg.whl', /direct references/],
    [checkPip, 'git+https://github.com/psf/requests', /URLs are not allowed/],
    [checkPip, '--index-url http://x', /pip options/],
    [checkPip, '-e .', /pip options/],
    [checkPip, './local', /paths are not allowed/],
    [checkPip, 'requests>=2.*', /only allowed with == or !=/],
    [checkPip, 'requests; pyton_version < "3"', /"pyton_version" is not an environment marker variable/],
    [checkConda, 'https://conda.anaconda.org/conda-forge::numpy', /never URLs/],
    [checkConda, 'conda-forge/../x::numpy', /never paths/],
    [checkConda, 'numpy[build=py38*]', /brackets are not supported/],
    [checkConda, 'python>=3.9|<3', /"\|" \(or\) is not supported/],
    [checkApt, 'curl wget', /one package per entry/],
    [checkApt, 'curl-', /remove this package/],
    [checkApt, 'Curl', /lowercase/],
    [checkApt, 'curl=abc', /not a Debian version/],
    [checkApt, 'curl\nwget', /line break/],
    [checkApt, '\u0441url', /U\+0441.*ASCII/],
    [checkApt, 'x'.repeat(MAX_ENTRY_LENGTH + 1), new RegExp(`limit is ${MAX_ENTRY_LENGTH}`)],
    [checkPip, '', /must not be empty/],
  ] as const)('case %#', (check, entry, reason) => {
    expect(check(entry)).toMatch(reason);
  });
});

describe('normaliseEntry', () => {
  it.each<[PackageManager, string, string]>([
    ['conda', '-c conda-forge::numpy==1.17*', 'conda-forge::numpy==1.17*'],
    ['conda', '-c conda-forge numpy', 'conda-forge::numpy'],
    ['conda', '-c  bioconda  samtools >=1.19, <2', 'bioconda::samtools>=1.19,<2'],
    ['conda', 'numpy 1.17.*', 'numpy=1.17.*'],
    ['conda', 'numpy 1.17.* py38_0', 'numpy=1.17.*=py38_0'],
    ['conda', 'numpy >=1.20, <2', 'numpy>=1.20,<2'],
    ['conda', 'numpy =1.17', 'numpy=1.17*'],
    ['conda', 'PyYAML', 'pyyaml'],
    ['conda', 'bioconda::LTR_retriever', 'bioconda::ltr_retriever'],
    ['conda', 'numpy >= 1.20', 'numpy>=1.20'],
    ['conda', 'foo >=1.0 , < 2.0', 'foo>=1.0,<2.0'],
    ['conda', 'numpy ==1.17 py38_0', 'numpy==1.17=py38_0'],
    ['conda', 'numpy !=1.10 py38_0', 'numpy!=1.10=py38_0'],
    ['conda', 'jaxlib>=0.4.31=cuda12*', 'jaxlib>=0.4.31=cuda12*'],
    ['conda', 'bioconda::foldmason=4.dd3c235-0', 'bioconda::foldmason=4.dd3c235-0*'],
    // conda's list-file reader takes "numpy~=" for a name ending in "~": the space keeps it apart.
    ['conda', 'numpy~=1.26.0', 'numpy ~=1.26.0'],
    ['conda', 'rust ~=1.2.3', 'rust ~=1.2.3'],
    ['conda', 'python=3.11', 'python=3.11*'],
    ['conda', 'numpy 1.17', 'numpy==1.17'],
    ['conda', 'numpy=1.17=py38_0', 'numpy=1.17=py38_0'],
    ['conda', 'numpy 1.17 py38_0', 'numpy=1.17=py38_0'],
    ['conda', 'libblas=*=*mkl', 'libblas=*=*mkl'],
    ['conda', ' numpy ', 'numpy'],
    ['pip', '  requests==2.32.3  ', 'requests==2.32.3'],
    ['apt', ' curl ', 'curl'],
  ])('%s %j -> %j', (manager, entry, expected) => {
    expect(normaliseEntry(manager, entry)).toBe(expected);
  });
});

/** Characters that must never survive into an accepted entry, per manager. */
const NEVER_EVERYWHERE = ['$', '`', '\\', '&', '|', '{', '}', '#', '%', '^', '?', '\n', '\r', '\u0000', '\t'];
const NEVER: Record<PackageManager, string[]> = {
  apt: [...NEVER_EVERYWHERE, ';', "'", '"', '(', ')', '[', ']', '<', '>', ' ', '*', '!', ',', '@'],
  conda: [...NEVER_EVERYWHERE, ';', "'", '"', '(', ')', '[', ']', '@'],
  pip: [...NEVER_EVERYWHERE, '/', ':', '@'],
};

const ALPHABET = [...'abcz09AZ.-_+=<>!~*,;:/@()[]\'" $`\\&|{}#%^?\n\r\t\u0000\u0435'];
// Pieces of real specs mixed with hostile ones, so that many generated strings are accepted.
const TOKENS = [
  'requests',
  'numpy',
  'libssl-dev',
  'conda-forge',
  '==',
  '>=',
  '<',
  '!=',
  '~=',
  '=',
  '1.0',
  '2',
  '.*',
  '*',
  '+cu118',
  '-1~deb12u2',
  ',',
  ';',
  ' ',
  'python_version',
  'sys_platform',
  '"3.9"',
  "'linux'",
  ' and ',
  ' or ',
  ' in ',
  '(',
  ')',
  '[',
  ']',
  'extra',
  '::',
  '-c ',
  ':amd64',
  '/bookworm',
  '$(',
  '`',
  '|',
  '&&',
  '\n',
  '#',
  '\\',
  '{',
  '}',
  '>',
  '/',
  ':',
  '@',
  '%',
  '"',
  "'",
  '$HOME',
  ' -',
  '--index-url',
];
const entryLike = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 }),
  fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 10 }).map((t) => t.join('')),
  fc
    .tuple(fc.constantFrom('requests', 'numpy', 'curl', 'conda-forge::numpy'), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 20 }))
    .map(([a, b]) => a + b),
);

describe.each(['apt', 'conda', 'pip'] as const)('%s grammar properties', (manager) => {
  const check = PACKAGE_CHECKS[manager];

  it('accepts nothing that carries a shell or file metacharacter', () => {
    fc.assert(
      fc.property(entryLike, (entry) => {
        if (check(entry) !== null) return;
        const normalised = normaliseEntry(manager, entry);
        for (const c of NEVER[manager]) expect(normalised).not.toContain(c);
        expect(normalised.startsWith('-')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps accepting the normalised form of what it accepts, which normalises to itself', () => {
    fc.assert(
      fc.property(entryLike, (entry) => {
        if (check(entry) !== null) return;
        const normalised = normaliseEntry(manager, entry);
        expect(check(normalised)).toBeNull();
        expect(normaliseEntry(manager, normalised)).toBe(normalised);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (entry) => {
        const result = check(entry);
        expect(result === null || typeof result === 'string').toBe(true);
      }),
    );
  });

  it('refuses a valid entry followed by a second line, whatever the line', () => {
    const valid = { apt: 'curl', conda: 'numpy', pip: 'requests' }[manager];
    fc.assert(
      fc.property(fc.constantFrom('\n', '\r', '\r\n', '\u0000'), fc.string({ maxLength: 30 }), (newline, tail) => {
        expect(check(`${valid}${newline}${tail}`)).not.toBeNull();
      }),
    );
  });
});

describe('non-ASCII reasons', () => {
  it('names a look-alike letter and its code point', () => {
    expect(checkPip('r\u0435quests')).toBe('contains "\u0435" (U+0435): package specs use plain ASCII characters only');
  });

  it('names an invisible or bidi character by code point only', () => {
    expect(checkPip('requests\u202e')).toBe('contains (U+202E): package specs use plain ASCII characters only');
    expect(checkPip('req\u200buests')).toBe('contains (U+200B): package specs use plain ASCII characters only');
  });
});
