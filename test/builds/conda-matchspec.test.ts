/**
 * conda's own MatchSpec tests (conda/conda tests/models/test_match_spec.py: canonical forms, simple,
 * pip style, package names, spec_from_line, parse_spec_str and the ecosystem corpus) ported as a
 * table, since conda itself cannot run here. Each spec conda accepts is accepted, and written in a
 * form conda's list-file reader (`spec_from_line`, conda/cli/common.py) reads back as the same
 * package; each spec conda rejects is refused; the rest are the documented deliberate refusals.
 */
import { checkConda, normaliseEntry } from '../../lambdas/builds/package-grammars.ts';

/** conda's accepted specs and the line the project writes for each. */
const CONDA_ACCEPTS: [spec: string, written: string][] = [
  // test_canonical_string_forms
  ['numpy', 'numpy'],
  ['numpy=1.7', 'numpy=1.7*'],
  ['numpy 1.7*', 'numpy=1.7*'],
  ['numpy 1.7.*', 'numpy=1.7.*'],
  ['numpy==1.7', 'numpy==1.7'],
  ['numpy 1.7', 'numpy==1.7'],
  ['numpy >1.7', 'numpy>1.7'],
  ['numpy>=1.7', 'numpy>=1.7'],
  ['numpy=1.7=py3*_2', 'numpy=1.7=py3*_2'],
  ['numpy=1.7.*=py3*_2', 'numpy=1.7.*=py3*_2'],
  ['defaults::numpy', 'defaults::numpy'],
  ['conda-forge::numpy', 'conda-forge::numpy'],
  ['defaults/win-32::numpy', 'defaults/win-32::numpy'],
  ['conda-forge/linux-64::numpy', 'conda-forge/linux-64::numpy'],
  ['numpy=1.10=py38_0', 'numpy=1.10=py38_0'],
  ['numpy==1.10=py38_0', 'numpy==1.10=py38_0'],
  ['numpy!=1.10', 'numpy!=1.10'],
  ['numpy !=1.10', 'numpy!=1.10'],
  ['numpy!=1.10 py38_0', 'numpy!=1.10=py38_0'],
  ['numpy !=1.10 py38_0', 'numpy!=1.10=py38_0'],
  ['numpy!=1.10=py38_0', 'numpy!=1.10=py38_0'],
  ['numpy !=1.10=py38_0', 'numpy!=1.10=py38_0'],
  ['numpy >1.7,!=1.10 py38_0', 'numpy>1.7,!=1.10=py38_0'],
  ['numpy!=1.10.*', 'numpy!=1.10.*'],
  ['numpy!=1.10,!=1.11', 'numpy!=1.10,!=1.11'],
  ['numpy ~=1.10.1', 'numpy ~=1.10.1'],
  ['numpy~=1.10.1', 'numpy ~=1.10.1'],
  ['numpy ~=1.10.1 py38_0', 'numpy ~=1.10.1=py38_0'],
  ['openssl=1.1.1_', 'openssl=1.1.1_*'],
  ['openssl>=1.1.1_,!=1.1.1c', 'openssl>=1.1.1_,!=1.1.1c'],
  // test_simple, test_pip_style
  ['python', 'python'],
  ['python=2.6', 'python=2.6*'],
  ['python=2.6*', 'python=2.6*'],
  ['ipython=0.13.2', 'ipython=0.13.2*'],
  ['ipython==0.13.0', 'ipython==0.13.0'],
  ['foo=1.3.0=3', 'foo=1.3.0=3'],
  ['foo>=1.3', 'foo>=1.3'],
  ['zope.int>=1.3,<3.0', 'zope.int>=1.3,<3.0'],
  ['numpy >=1.9', 'numpy>=1.9'],
  // test_valid_package_names (CEP-26)
  ['my-package', 'my-package'],
  ['my_package', 'my_package'],
  ['my.package', 'my.package'],
  ['r-base', 'r-base'],
  ['python-dateutil', 'python-dateutil'],
  ['_openmp_mutex', '_openmp_mutex'],
  ['_pkg', '_pkg'],
  ['__glibc', '__glibc'],
  ['__unix', '__unix'],
  // test_pip_style2 (spec_from_line lower-cases names and removes spaces)
  ['foo >=1.0', 'foo>=1.0'],
  ['FOO-Bar >=1.0', 'foo-bar>=1.0'],
  ['foo >= 1.0', 'foo>=1.0'],
  ['foo > 1.0', 'foo>1.0'],
  ['foo != 1.0', 'foo!=1.0'],
  ['foo <1.0', 'foo<1.0'],
  ['foo >=1.0 , < 2.0', 'foo>=1.0,<2.0'],
  // test_parse_spec_str_no_brackets, test_parse_equal_equal
  ['defaults::numpy=1.8', 'defaults::numpy=1.8*'],
  ['defaults::numpy =1.8', 'defaults::numpy=1.8*'],
  ['defaults::numpy=1.8=py27_0', 'defaults::numpy=1.8=py27_0'],
  ['defaults::numpy 1.8 py27_0', 'defaults::numpy=1.8=py27_0'],
  ['numpy ==1.7', 'numpy==1.7'],
  ['numpy =1.7', 'numpy=1.7*'],
  // test_conda_env_form, test_double_equals_version_consistency
  ['numpy==1.21.0=py39h1234567_0', 'numpy==1.21.0=py39h1234567_0'],
  ['pkgs/main::pandas==1.3.0=py39h123_0', 'pkgs/main::pandas==1.3.0=py39h123_0'],
  ['python==3.9.7', 'python==3.9.7'],
  ['pip==21.2.4=py39h_0', 'pip==21.2.4=py39h_0'],
  ['awscli==2.15.37=wghq', 'awscli==2.15.37=wghq'],
  // test_parse_ecosystem_corpus
  ['blas *.* mkl', 'blas=*.*=mkl'],
  ['foo=1.0=py27_0', 'foo=1.0=py27_0'],
  ['foo==1.0=py27_0', 'foo==1.0=py27_0'],
  ['python 3.8.* *_cpython', 'python=3.8.*=*_cpython'],
  ['pytorch=*=cuda*', 'pytorch=*=cuda*'],
  ['x264 >=1!164.3095,<1!165', 'x264>=1!164.3095,<1!165'],
  ['python=3.9', 'python=3.9*'],
  ['python=*', 'python=*'],
  ['rust ~=1.2.3', 'rust ~=1.2.3'],
  ['numpy>=2.*.*', 'numpy>=2.*.*'],
  ['tensorflow 2.6.*', 'tensorflow=2.6.*'],
  ['tensorflow 2.6.0.*', 'tensorflow=2.6.0.*'],
  ['foo >=1.0 py37_0', 'foo>=1.0=py37_0'],
  ['foo >=1.0 py37*', 'foo>=1.0=py37*'],
  ['foo 1.0.* py38*', 'foo=1.0.*=py38*'],
  ['foo * py37_1', 'foo=*=py37_1'],
  ['foo ==1.0', 'foo==1.0'],
  ['activate_deactivate_package=*=*0', 'activate_deactivate_package=*=*0'],
  ['numpy=*=*py38*', 'numpy=*=*py38*'],
  ['conda-forge::libblas=*=*openblas', 'conda-forge::libblas=*=*openblas'],
  ['ca-certificates=*=*_0', 'ca-certificates=*=*_0'],
  ['python ==3.7.3', 'python==3.7.3'],
  ['pandas ==1.2.5 py37h295c915_0', 'pandas==1.2.5=py37h295c915_0'],
  ['ca-certificates =2022.9.24', 'ca-certificates=2022.9.24*'],
  ['ca-certificates >=2022.9.24', 'ca-certificates>=2022.9.24'],
  ['ca-certificates<2022.9.24,>2020', 'ca-certificates<2022.9.24,>2020'],
  ['ca-certificates !=2022.9.24,>2020', 'ca-certificates!=2022.9.24,>2020'],
  ['pytorch::pytorch=1.12', 'pytorch::pytorch=1.12*'],
  // VersionOrder: "-" counts as "_" when there is no "_" (issue 15's bioconda::foldmason=4.dd3c235-0)
  ['bioconda::foldmason=4.dd3c235-0', 'bioconda::foldmason=4.dd3c235-0*'],
];

/** Specs conda rejects (InvalidMatchSpec, InvalidVersionSpec, or spec_from_line returns None). */
const CONDA_REJECTS = [
  // test_invalid_package_name_rejected, test_invalid_match_spec, test_parse_errors
  "'package'",
  '"package"',
  'pack@ge',
  'pkg..name',
  'pkg--name',
  '.pkg',
  '-pkg',
  '!xyz 1.3',
  // test_matchspec_errors, test_catch_invalid_regexes, test_invalid_version_reports_spec
  'blas [optional',
  'blas [test=]',
  'blas[invalid="1"]',
  '*/lin(ux-65::f/o>=>1y',
  '^(aaaa$',
  'pkg 4.2.2<6.0.0',
  // test_invalid (spec_from_line) and test_bare_equals_operator_raises (conda's xfail: it should raise)
  '=',
  'foo=',
  // VersionOrder: an empty local part, a duplicated "+", an empty component, a duplicated epoch
  'numpy=1.2+',
  'numpy=5.5++',
  'numpy=1..2',
  'numpy>=1!2!3',
];

/** Specs conda accepts that the project refuses on purpose, and the message class of each. */
const DELIBERATE: [spec: string, message: RegExp][] = [
  ["numpy[version='1.7*']", /brackets are not supported/],
  ['numpy[channel=defaults,subdir=osx-64]', /brackets are not supported/],
  ['conda-forge::foo[build=3](target=blarg,optional)', /brackets are not supported/],
  ['https://repo.anaconda.com/pkgs/free::numpy', /never URLs/],
  ['*/win-32::numpy', /not a channel name/],
  ['* 2.7.4', /wildcards are not allowed/],
  ['numpy>1.8,<2|==1.7', /"\|" \(or\) is not supported/],
  ['python ==2.7.*.*|>=3.6', /"\|" \(or\) is not supported/],
  ['foo # comment', /comments \("#"\) are not allowed/],
  ['/some/file/on/disk/package-1.2.3-2.tar.bz2', /local paths are not allowed/],
  // conda's list-file reader splits "=0.*,>=0.4.1" at each "=": the "=" clause must come last
  ['bird_tool_utils_python =0.*,>=0.4.1', /put the "=" clause last/],
];

/** conda/cli/common.py spec_pat, the regex `conda install --file` reads each line with. */
const SPEC_FROM_LINE = /^(?<name>[^=<>!\s]+)\s*(?:(?<cc>=[^=]+(?:=[^=]+)?)|(?<pc>(?:[=!]=|[><]=?|~=).+))?$/;

describe('conda specs that conda accepts', () => {
  it.each(CONDA_ACCEPTS)('accepts %j and writes %j', (spec, written) => {
    expect(checkConda(spec)).toBeNull();
    expect(normaliseEntry('conda', spec)).toBe(written);
  });

  it.each(CONDA_ACCEPTS)('writes %j so that conda install --file reads back the same package', (spec, written) => {
    const line = SPEC_FROM_LINE.exec(written);
    expect(line).not.toBeNull();
    const name = spec
      .replace(/^[^:]*::/, '')
      .match(/^[A-Za-z0-9_.-]+/)![0]
      .toLowerCase();
    expect(line!.groups!.name!.replace(/^.*::/, '')).toBe(name);
  });
});

describe('conda specs that conda rejects', () => {
  it.each(CONDA_REJECTS.map((s) => [s]))('refuses %j', (spec) => {
    expect(checkConda(spec)).toEqual(expect.any(String));
  });
});

describe('conda specs refused on purpose', () => {
  it.each(DELIBERATE)('refuses %j, saying why', (spec, message) => {
    expect(checkConda(spec)).toMatch(message);
  });
});
