/**
 * ECR pull-through cache rules for the registries base images come from, so builds never pull from
 * Docker Hub (or any upstream) directly: CodeBuild's shared egress addresses run into Docker Hub's
 * anonymous pull limit. Each rule caches `<upstream>/<path>` as `<registry>/<prefix>/<path>` in this
 * account's ECR; the build role gets exactly what a pull through it needs.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PullThroughCacheSettings } from './settings.ts';

/**
 * The upstreams a deployment can enable (`pullThroughCaches`), by the name the setting uses, which is
 * also the ECR repository prefix of its cache. `registry` is the host normalised base image
 * references name (image-reference.ts); `url` and `ecrName` are ECR's (CreatePullThroughCacheRule).
 * `credential`: ECR requires a Secrets Manager credential for Docker Hub and GHCR, takes an optional
 * one for Quay (private repositories) and none for ECR Public and registry.k8s.io.
 */
export const PULL_THROUGH_UPSTREAMS = {
  'docker-hub': { registry: 'docker.io', url: 'registry-1.docker.io', ecrName: 'docker-hub', credential: 'required' },
  'ecr-public': { registry: 'public.ecr.aws', url: 'public.ecr.aws', ecrName: 'ecr-public', credential: 'none' },
  quay: { registry: 'quay.io', url: 'quay.io', ecrName: 'quay', credential: 'optional' },
  ghcr: { registry: 'ghcr.io', url: 'ghcr.io', ecrName: 'github-container-registry', credential: 'required' },
  k8s: { registry: 'registry.k8s.io', url: 'registry.k8s.io', ecrName: 'k8s', credential: 'none' },
} as const;
export type PullThroughUpstream = keyof typeof PULL_THROUGH_UPSTREAMS;
export const PULL_THROUGH_UPSTREAM_NAMES = Object.keys(PULL_THROUGH_UPSTREAMS) as PullThroughUpstream[];

/** ECR requires the credential secret's name to start with this. */
export const PULL_THROUGH_SECRET_PREFIX = 'ecr-pullthroughcache/';

/** This account's private ECR registry host, from pseudo parameters (the same text in every environment). */
export const OWN_ECR_REGISTRY = `${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}`;

/** What pulling through a cache takes: import from the upstream, create the cache repository on first pull, read it. */
export const PULL_THROUGH_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'];

export interface PullThroughCachesProps {
  readonly caches: readonly PullThroughCacheSettings[];
}

export class PullThroughCaches extends Construct {
  /** Registry host -> mirror prefix, for each rule (`docker.io` -> `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub`). */
  readonly mirrors: Record<string, string> = {};
  readonly rules: ecr.CfnPullThroughCacheRule[] = [];

  constructor(scope: Construct, id: string, props: PullThroughCachesProps) {
    super(scope, id);
    for (const { upstream, credentialArn } of props.caches) {
      const known = PULL_THROUGH_UPSTREAMS[upstream];
      this.rules.push(
        new ecr.CfnPullThroughCacheRule(this, upstream, {
          ecrRepositoryPrefix: upstream,
          upstreamRegistry: known.ecrName,
          upstreamRegistryUrl: known.url,
          credentialArn,
        }),
      );
      this.mirrors[known.registry] = `${OWN_ECR_REGISTRY}/${upstream}`;
    }
  }

  /** Lets `role` pull through each cache: only repositories under the caches' prefixes. */
  grantPullThrough(role: iam.IRole): void {
    const prefixes = this.rules.map((r) => r.ecrRepositoryPrefix!);
    if (prefixes.length === 0) return;
    grantPullThroughPrefixes(
      role,
      prefixes.map((prefix) => ecrRepositoriesUnder(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID, prefix)),
    );
    for (const prefix of prefixes) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:<AWS::AccountId>:repository/${prefix}/*]`,
        reason: `A pull-through cache creates one repository per upstream image on its first pull, so the build role may pull, import and create only repositories under the cache's prefix ${prefix}/.`,
      });
    }
  }
}

/** `arn:...:ecr:<region>:<account>:repository/<prefix>/*`: every repository a cache prefix can create. */
export const ecrRepositoriesUnder = (partition: string, region: string, account: string, prefix: string) =>
  `arn:${partition}:ecr:${region}:${account}:repository/${prefix}/*`;

export function grantPullThroughPrefixes(role: iam.IRole, repositoryArns: string[]): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: PULL_THROUGH_ACTIONS, resources: repositoryArns }));
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * A configured mirror prefix in a private ECR registry (an existing pull-through cache, say):
 * the repositories under it, or undefined for a mirror elsewhere or a whole registry.
 */
export function ecrMirrorRepositories(prefix: string): { arn: string; account: string; region: string; path: string } | undefined {
  const [host = '', ...path] = prefix.split('/');
  const m = ECR_HOST.exec(host);
  if (!m || path.length === 0) return undefined;
  const [, account, region, china] = m;
  const partition = china ? 'aws-cn' : region!.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return { arn: ecrRepositoriesUnder(partition, region!, account!, path.join('/')), account: account!, region: region!, path: path.join('/') };
}
