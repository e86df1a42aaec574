/**
 * The deployment settings, already validated (bin/settings.ts turns CDK context into this). The
 * constructs in lib/ take these values as props and never read context or the environment.
 */
import type { PullThroughUpstream } from './pull-through-caches.ts';
import type { PackageMirrors } from '../lambdas/builds/package-mirrors.ts';

/** CodeBuild compute types a privileged Linux x86 build can use. */
export const BUILD_COMPUTE_TYPES = [
  'BUILD_GENERAL1_SMALL',
  'BUILD_GENERAL1_MEDIUM',
  'BUILD_GENERAL1_LARGE',
  'BUILD_GENERAL1_XLARGE',
  'BUILD_GENERAL1_2XLARGE',
] as const;
export type BuildComputeType = (typeof BUILD_COMPUTE_TYPES)[number];

export interface JwtSettings {
  /** The identity provider's issuer URL (https); API Gateway fetches its JWKS from it. */
  issuer: string;
  /** Accepted `aud` (or `client_id`) values. */
  audience: string[];
}

/** Where the caller is in the token's claims (see ClaimNames in lambdas/config.ts). */
export interface ClaimSettings {
  sub: string;
  groups: string;
  /** '' when the identity provider has no admin-groups claim. */
  adminGroups: string;
  roles: string;
  systemAdminRole: string;
  /** '' for none. */
  groupPrefix: string;
  /** '' for none. */
  adminGroupSuffix: string;
}

export interface ApiSettings {
  /** Browser origins allowed by CORS; empty means no CORS configuration at all. */
  corsOrigins: string[];
  throttleRateLimit: number;
  throttleBurstLimit: number;
  accessLogRetentionDays: number;
}

export interface BuildSettings {
  computeType: BuildComputeType;
  timeoutMinutes: number;
  queuedTimeoutMinutes: number;
  logRetentionDays: number;
  /** Builds queued or building longer than this are asked about by the reconciler. */
  stuckBuildMinutes: number;
  /** BuildKit image for the build's docker-container builder (a mirror); none means the buildspec's default. */
  buildkitImage?: string;
  /** The platform's package mirrors, for every build (lambdas/builds/package-mirrors.ts). */
  mirrors?: PackageMirrors;
}

export interface LimitSettings {
  maxImagesPerGroup: number;
  maxConcurrentBuildsPerGroup: number;
}

/** One ECR pull-through cache rule the stack creates (lib/pull-through-caches.ts). */
export interface PullThroughCacheSettings {
  upstream: PullThroughUpstream;
  /** Secrets Manager secret (name under ecr-pullthroughcache/) with the upstream credential, where ECR needs one. */
  credentialArn?: string;
}

/** Where builds pull base images from (lambdas/builds/base-image-mirrors.ts). */
export interface BaseImageSettings {
  /** Registry host -> mirror prefix, as configured (`baseImageMirrors`); the caches add theirs. */
  mirrors: Record<string, string>;
  pullThroughCaches: PullThroughCacheSettings[];
}

export interface DeploymentSettings {
  /** Prefix of the stack names: `<stackName>-Data` and `<stackName>-Api`. */
  stackName: string;
  jwt: JwtSettings;
  claims: ClaimSettings;
  api: ApiSettings;
  builds: BuildSettings;
  limits: LimitSettings;
  baseImages: BaseImageSettings;
  functionLogRetentionDays: number;
  /** SNS topic that DLQ alarms notify; none means the alarms only change state. */
  alarmTopicArn?: string;
  /** EventBridge bus (name or ARN) the service publishes its own build events to; none means the account's default bus. */
  eventBusName?: string;
  /** Customer-managed KMS key for the pull secrets; none means the account's aws/secretsmanager key. */
  pullSecretKmsKeyArn?: string;
  /** Account, tags, pull access, image retirement, domain, network and build cap (issue 16). */
  platform: PlatformSettings;
}

// --- Platform settings (issue 16): what a platform team sets to run the service for real. ---

/** Where a custom domain points: API Gateway's regional domain name, with an ACM certificate of the same region. */
export interface CustomDomainSettings {
  domainName: string;
  certificateArn: string;
}

/** Builds inside the platform's own network (private registries, package mirrors). */
export interface BuildNetworkSettings {
  vpcId: string;
  subnetIds: string[];
  /** None: one security group is created for the builds, outbound only. */
  securityGroupIds: string[];
}

export interface PlatformSettings {
  /** Account and region to pin the stacks to; none means environment-agnostic templates (the deploying account, region and partition). */
  env: { account?: string; region?: string };
  /** Applied to every taggable resource of both stacks. */
  tags: Record<string, string>;
  /** IAM role/user ARNs or account ids that may pull (only pull) the built images. */
  imagePullPrincipals: string[];
  /** Days an ECR image nothing points at any more is kept before it is deleted (running workloads may still pull it). */
  imageRetentionDays: number;
  customDomain?: CustomDomainSettings;
  buildNetwork?: BuildNetworkSettings;
  /** CodeBuild's project-wide limit on concurrent builds (cost); none means the account's limit. */
  maxConcurrentBuilds?: number;
}
