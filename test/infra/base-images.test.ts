/**
 * Base images and Docker Hub limits, as synthesized: the ECR pull-through cache rules, the mirror map
 * the catalogWriter function reads, the build role's grants for pulls through the caches, the BuildKit
 * image default, cdk-nag, and the settings' validation messages.
 */
import { describe, expect, it } from '@jest/globals';
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import fc from 'fast-check';
import { parseSettings, type RawSettings } from '../../bin/settings.ts';
import { settingsError } from '../support/settings-error.ts';
import { baseImageMirrorsFrom, baseImagePull } from '../../lambdas/builds/base-image-mirrors.ts';
import { parseImageReference } from '../../lambdas/builds/image-reference.ts';
import { ENV } from '../../lambdas/config.ts';
import { actionsOfRole, only, resourcesOf, synth } from './synth.ts';

const DOCKER_HUB_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf';
const GHCR_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/ghcr-AbCdEf';
const ALL_CACHES: RawSettings = {
  pullThroughCaches: 'docker-hub,ecr-public,quay,ghcr,k8s',
  pullThroughCacheCredentials: JSON.stringify({ 'docker-hub': DOCKER_HUB_SECRET, ghcr: GHCR_SECRET }),
};
const PULL_THROUGH = ['ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository', 'ecr:GetDownloadUrlForLayer'];
/** A pseudo-parameter-only repository ARN under a prefix, as the template writes it. */
const ownRepositories = (prefix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:repository/${prefix}/*`]],
});

/** Resolves a template value as CloudFormation would in account 123456789012, eu-west-1. */
function resolve(value: unknown): string {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': '123456789012',
    'AWS::Region': 'eu-west-1',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::Partition': 'aws',
  };
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref && pseudo[v.Ref]) return pseudo[v.Ref]!;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(resolve).join(v['Fn::Join'][0]);
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

function synthesized(raw: RawSettings) {
  const { api, apiTemplate, app } = synth(raw);
  const idOf = (c: { node: { defaultChild?: unknown } }) => api.getLogicalId(c.node.defaultChild as CfnElement);
  const project = only(apiTemplate, 'AWS::CodeBuild::Project').Properties as { Environment: { EnvironmentVariables?: { Name: string; Value: unknown }[] } };
  const writer = resourcesOf(apiTemplate, 'AWS::Lambda::Function')[idOf(api.functions.catalogWriter.function)]!;
  const writerEnv = (writer.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
  return {
    app,
    api,
    rules: Object.values(resourcesOf(apiTemplate, 'AWS::ECR::PullThroughCacheRule')).map((r) => r.Properties),
    buildRole: actionsOfRole(apiTemplate, idOf(api.builds.role)),
    roleActions: (fn: keyof typeof api.functions) => actionsOfRole(apiTemplate, idOf(api.functions[fn].role)),
    buildkitImage: project.Environment.EnvironmentVariables?.find((v) => v.Name === 'BUILDKIT_IMAGE')?.Value,
    mirrorsEnv: writerEnv[ENV.baseImageMirrors],
  };
}

describe('with the default settings', () => {
  const s = synthesized({});

  it('creates no cache rule, grants nothing for caches and sets no mirrors: builds pull base images as written', () => {
    expect(s.rules).toEqual([]);
    expect(s.buildRole.has('ecr:BatchImportUpstreamImage')).toBe(false);
    expect(s.buildRole.has('ecr:CreateRepository')).toBe(false);
    expect(s.mirrorsEnv).toBeUndefined();
    expect(s.buildkitImage).toBeUndefined();
  });
});

describe('with every pull-through cache enabled', () => {
  const s = synthesized(ALL_CACHES);

  it('creates one ECR pull-through cache rule per upstream, with the upstream URLs and credentials ECR expects', () => {
    expect(s.rules).toEqual([
      { EcrRepositoryPrefix: 'docker-hub', UpstreamRegistry: 'docker-hub', UpstreamRegistryUrl: 'registry-1.docker.io', CredentialArn: DOCKER_HUB_SECRET },
      { EcrRepositoryPrefix: 'ecr-public', UpstreamRegistry: 'ecr-public', UpstreamRegistryUrl: 'public.ecr.aws' },
      { EcrRepositoryPrefix: 'quay', UpstreamRegistry: 'quay', UpstreamRegistryUrl: 'quay.io' },
      { EcrRepositoryPrefix: 'ghcr', UpstreamRegistry: 'github-container-registry', UpstreamRegistryUrl: 'ghcr.io', CredentialArn: GHCR_SECRET },
      { EcrRepositoryPrefix: 'k8s', UpstreamRegistry: 'k8s', UpstreamRegistryUrl: 'registry.k8s.io' },
    ]);
  });

  it("gives catalogWriter a mirror map, pointing each upstream's registry at its cache, that the function accepts", () => {
    const mirrors = baseImageMirrorsFrom({ [ENV.baseImageMirrors]: resolve(s.mirrorsEnv) });

    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    expect(mirrors).toEqual({
      'docker.io': `${registry}/docker-hub`,
      'public.ecr.aws': `${registry}/ecr-public`,
      'quay.io': `${registry}/quay`,
      'ghcr.io': `${registry}/ghcr`,
      'registry.k8s.io': `${registry}/k8s`,
    });
  });

  it('pulls no Docker Hub base image from Docker Hub: every one goes through the cache', () => {
    const mirrors = baseImageMirrorsFrom({ [ENV.baseImageMirrors]: resolve(s.mirrorsEnv) });
    const component = fc.stringMatching(/^[a-z0-9]{1,10}(?:[._-][a-z0-9]{1,10})?$/).filter((c) => !c.includes('.'));
    const hubReference = fc.tuple(
      fc.constantFrom('', 'docker.io/', 'index.docker.io/'),
      fc.array(component, { minLength: 1, maxLength: 3 }),
      fc.option(fc.stringMatching(/^[\w][\w.-]{0,15}$/), { nil: undefined }),
    );
    fc.assert(
      fc.property(hubReference, ([host, path, tag]) => {
        const reference = `${host}${path.join('/')}${tag ? `:${tag}` : ''}`;
        const pulled = parseImageReference(baseImagePull(reference, mirrors, { pullSecret: false }).reference);

        expect(pulled.registry).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com');
        expect(pulled.path.startsWith('docker-hub/')).toBe(true);
      }),
    );
  });

  it('pulls the BuildKit image through the Docker Hub cache too', () => {
    expect(resolve(s.buildkitImage)).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/moby/buildkit:buildx-stable-1');
  });

  it('lets the build role pull, import and create repositories under the cache prefixes only', () => {
    for (const action of PULL_THROUGH) {
      expect(s.buildRole.get(action)).toEqual(expect.arrayContaining(['docker-hub', 'ecr-public', 'quay', 'ghcr', 'k8s'].map(ownRepositories)));
    }
    expect(s.buildRole.get('ecr:BatchImportUpstreamImage')).toHaveLength(5);
    expect(s.buildRole.get('ecr:CreateRepository')).toHaveLength(5);
    // And no more than before: push stays on the service's two repositories.
    expect(s.buildRole.get('ecr:PutImage')).toHaveLength(2);
  });

  it('gives no function a pull-through permission', () => {
    for (const fn of Object.keys(s.api.functions) as (keyof typeof s.api.functions)[]) {
      const actions = s.roleActions(fn);
      expect([fn, ...PULL_THROUGH.filter((a) => actions.has(a))]).toEqual([fn]);
    }
  });

  it('leaves nothing for cdk-nag to report', () => {
    const findings = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
      pack.validateScope(s.app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
    );
    expect(findings).toEqual([]);
  });
});

describe('with mirrors configured by the platform', () => {
  it('passes them to catalogWriter and grants pull-through on mirrors in a private ECR registry only', () => {
    const s = synthesized({
      baseImageMirrors: JSON.stringify({ 'docker.io': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/existing-hub', 'quay.io': 'mirror.example.com/quay' }),
    });

    expect(JSON.parse(resolve(s.mirrorsEnv))).toEqual({
      'docker.io': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/existing-hub',
      'quay.io': 'mirror.example.com/quay',
    });
    const existing = 'arn:aws:ecr:eu-west-1:123456789012:repository/existing-hub/*';
    expect(s.buildRole.get('ecr:BatchImportUpstreamImage')).toEqual([existing]);
    expect(s.buildRole.get('ecr:CreateRepository')).toEqual([existing]);
    // Pulls: from the service's own repositories (the layer cache) as before, and from the mirror.
    for (const action of ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']) expect(s.buildRole.get(action)).toHaveLength(3);
    for (const action of ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']) expect(s.buildRole.get(action)).toContain(existing);
    expect(s.buildkitImage).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/existing-hub/moby/buildkit:buildx-stable-1');
  });

  it('keeps an explicit buildkitImage over the mirror', () => {
    const s = synthesized({ ...ALL_CACHES, buildkitImage: 'public.ecr.aws/example/buildkit:v0.23.0' });

    expect(s.buildkitImage).toBe('public.ecr.aws/example/buildkit:v0.23.0');
  });
});

describe('base image settings', () => {
  it('reads -c strings and cdk.json values alike', () => {
    const fromStrings = parseSettings({ ...ALL_CACHES, baseImageMirrors: '{"localhost:5000":"localhost:5001/m"}' }).baseImages;
    const fromJson = parseSettings({
      pullThroughCaches: ['docker-hub', 'ecr-public', 'quay', 'ghcr', 'k8s'],
      pullThroughCacheCredentials: { 'docker-hub': DOCKER_HUB_SECRET, ghcr: GHCR_SECRET },
      baseImageMirrors: { 'localhost:5000': 'localhost:5001/m' },
    }).baseImages;

    expect(fromStrings).toEqual(fromJson);
    expect(fromJson.pullThroughCaches).toEqual([
      { upstream: 'docker-hub', credentialArn: DOCKER_HUB_SECRET },
      { upstream: 'ecr-public', credentialArn: undefined },
      { upstream: 'quay', credentialArn: undefined },
      { upstream: 'ghcr', credentialArn: GHCR_SECRET },
      { upstream: 'k8s', credentialArn: undefined },
    ]);
    expect(parseSettings({}).baseImages).toEqual({ mirrors: {}, pullThroughCaches: [] });
  });

  it.each<[string, RawSettings, RegExp]>([
    ['bad mirror JSON', { baseImageMirrors: '{"docker.io":' }, /- baseImageMirrors: is not JSON/],
    ['a bad mirror host', { baseImageMirrors: '{"hub":"mirror.example.com/hub"}' }, /- baseImageMirrors: entry "hub": the key is not a registry host/],
    [
      'a bad mirror prefix',
      { baseImageMirrors: '{"docker.io":"https://mirror.example.com"}' },
      /- baseImageMirrors: entry "docker\.io": the mirror prefix "https:\/\/mirror\.example\.com" has a scheme/,
    ],
    [
      'an unknown upstream',
      { pullThroughCaches: 'docker-hub,gcr' },
      /- pullThroughCaches: expected one of docker-hub, ecr-public, quay, ghcr, k8s \(entry 1\), got "docker-hub,gcr"/,
    ],
    [
      'Docker Hub without a credential',
      { pullThroughCaches: 'docker-hub' },
      /- pullThroughCacheCredentials: ECR needs a credential for the docker-hub cache: the ARN of a Secrets Manager secret named ecr-pullthroughcache\//,
    ],
    ['GHCR without a credential', { pullThroughCaches: 'quay,ghcr' }, /- pullThroughCacheCredentials: ECR needs a credential for the ghcr cache/],
    [
      'a credential outside ecr-pullthroughcache/',
      { pullThroughCaches: 'ghcr', pullThroughCacheCredentials: '{"ghcr":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:ghcr-token"}' },
      /- pullThroughCacheCredentials: expected the ARN of a Secrets Manager secret whose name starts with ecr-pullthroughcache\/ .*\(entry ghcr\)/,
    ],
    [
      'a credential for a cache that is not enabled',
      { pullThroughCacheCredentials: JSON.stringify({ 'docker-hub': DOCKER_HUB_SECRET }) },
      /- pullThroughCacheCredentials: docker-hub has a credential but is not in pullThroughCaches/,
    ],
    [
      'a credential for a cache that takes none',
      { pullThroughCaches: 'k8s', pullThroughCacheCredentials: JSON.stringify({ k8s: DOCKER_HUB_SECRET }) },
      /- pullThroughCacheCredentials: the k8s cache takes no credential/,
    ],
    [
      'a registry mirrored twice',
      { ...ALL_CACHES, baseImageMirrors: '{"quay.io":"mirror.example.com/quay"}' },
      /- baseImageMirrors: quay\.io is already mirrored by the quay pull-through cache: keep one of them/,
    ],
    ['an upstream twice', { pullThroughCaches: 'k8s,k8s' }, /- pullThroughCaches: expected each upstream at most once/],
  ])('refuses %s, naming the setting and why', (_, raw, message) => {
    expect(settingsError(raw)).toMatch(message);
  });
});
