/** `npm start`'s build settings: LOCAL_REGISTRY and the package mirrors, checked as the CDK settings are. */
import { localRegistryFrom, packageMirrorsFrom } from '../../lambdas/local/settings.ts';

describe('LOCAL_REGISTRY', () => {
  it.each([['localhost:5000'], ['127.0.0.1:46813'], ['registry.internal'], ['[::1]:5000']])('takes a registry host[:port]: %s', (value) => {
    expect(localRegistryFrom({ LOCAL_REGISTRY: value })).toBe(value);
  });

  it.each([['http://localhost:5000'], ['localhost:5000/group-images'], ['localhost:5000 --tls-verify=false'], ['$(reboot)']])(
    'refuses anything else, naming it: %s',
    (value) => {
      expect(() => localRegistryFrom({ LOCAL_REGISTRY: value })).toThrow(`LOCAL_REGISTRY must be a registry host[:port] like localhost:5000, got "${value}"`);
    },
  );

  it('is absent when unset or empty', () => {
    expect([localRegistryFrom({}), localRegistryFrom({ LOCAL_REGISTRY: '' })]).toEqual([undefined, undefined]);
  });
});

describe('PIP_INDEX_URL, CONDA_CHANNEL_ALIAS, APT_MIRROR', () => {
  it('become the mirrors every local build uses', () => {
    const env = { PIP_INDEX_URL: 'http://127.0.0.1:8080/simple/', CONDA_CHANNEL_ALIAS: 'https://conda.example.com', APT_MIRROR: '', OTHER: 'x' };

    expect(packageMirrorsFrom(env)).toEqual({ pipIndexUrl: 'http://127.0.0.1:8080/simple/', condaChannelAlias: 'https://conda.example.com' });
  });

  it.each([
    ['PIP_INDEX_URL', 'https://user:secret@pypi.example.com/simple/', 'without credentials'],
    ['APT_MIRROR', 'http://apt.example.com/#$(reboot)', 'expected an http(s) URL'],
    ['CONDA_CHANNEL_ALIAS', 'file:///srv/conda', 'expected an http(s) URL'],
  ])('refuses a bad %s, naming it', (name, value, why) => {
    expect(() => packageMirrorsFrom({ [name]: value })).toThrow(new RegExp(`^${name} must be a package mirror URL: .*${why.replace(/[()]/g, '\\$&')}`));
  });
});
