/**
 * The CodeBuild project that turns a build spec into an image in ECR. It has no source: the
 * catalogWriter function starts each build with environment-variable overrides that describe it
 * (and, for a private base image, a Secrets Manager-typed PULL_SECRET_JSON), and the buildspec
 * renders the build context from them.
 */
import { readFileSync } from 'node:fs';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { baseImagePull } from '../lambdas/builds/base-image-mirrors.ts';
import { BUILDSPEC_ENV } from '../lambdas/builds/buildspec-env.ts';
import { PullThroughCaches, ecrMirrorRepositories, grantPullThroughPrefixes } from './pull-through-caches.ts';
import type { BaseImageSettings, BuildNetworkSettings, BuildSettings } from './settings.ts';

/** buildx's own default BuildKit image (Docker Hub); pulled through a docker.io mirror when there is one. */
export const BUILDKIT_DEFAULT_IMAGE = 'moby/buildkit:buildx-stable-1';
import { mirrorVariables } from '../lambdas/builds/package-mirrors.ts';

/**
 * The buildspec file, inlined into the project as written. `BuildSpec.fromSourceFilename` cannot
 * work without a source; `BuildSpec.fromAsset` would upload it to the bootstrap bucket and give the
 * build role read access to that bucket (the whole CDK asset store), so the file goes in the template.
 */
export class InlineYamlBuildSpec extends codebuild.BuildSpec {
  readonly isImmediate = true;
  private readonly text: string;

  constructor(path: string) {
    super();
    const text = readFileSync(path, 'utf8');
    if (!/^version:\s*0\.2\s*$/m.test(text)) {
      throw new Error(`${path} is not a CodeBuild buildspec: it has no "version: 0.2" line`);
    }
    this.text = text;
  }

  toBuildSpec(): string {
    return this.text;
  }
}

export interface ImageBuildProjectProps {
  readonly buildspec: codebuild.BuildSpec;
  readonly imageRepository: ecr.IRepository;
  readonly cacheRepository: ecr.IRepository;
  readonly logGroup: logs.ILogGroup;
  /** Pull secrets live in Secrets Manager under this name prefix; the build may read those and no other. */
  readonly secretPrefix: string;
  /** The customer-managed KMS key the pull secrets are encrypted with, if not the AWS managed one. */
  readonly pullSecretKmsKeyArn?: string;
  readonly settings: BuildSettings;
  /** Base image mirrors and the ECR pull-through caches to create; none by default. */
  readonly baseImages?: BaseImageSettings;
  /** Builds in the platform's VPC (issue 16). @default no VPC */
  readonly network?: BuildNetworkSettings;
  /** The project's concurrent build limit (issue 16). @default the account's limit */
  readonly concurrentBuildLimit?: number;
}

export class ImageBuildProject extends Construct {
  readonly project: codebuild.Project;
  readonly role: iam.Role;
  readonly pullThroughCaches: PullThroughCaches;
  /** Registry host -> mirror prefix builds pull base images through: the configured ones and the caches'. */
  readonly baseImageMirrors: Record<string, string>;

  /** The builds' security group ids, when they run in a VPC. */
  securityGroupIds: string[] = [];

  constructor(scope: Construct, id: string, props: ImageBuildProjectProps) {
    super(scope, id);

    // --- Base images: pull-through caches and mirrors (lib/pull-through-caches.ts) ---
    this.pullThroughCaches = new PullThroughCaches(this, 'PullThroughCaches', { caches: props.baseImages?.pullThroughCaches ?? [] });
    this.baseImageMirrors = { ...props.baseImages?.mirrors, ...this.pullThroughCaches.mirrors };
    // BuildKit's own image comes from Docker Hub too: through its mirror, unless the platform chose one.
    const buildkitImage =
      props.settings.buildkitImage ??
      (this.baseImageMirrors['docker.io'] ? baseImagePull(BUILDKIT_DEFAULT_IMAGE, this.baseImageMirrors, { pullSecret: false }).reference : undefined);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Image builds: push to the service repositories, read its pull secrets, write the build log',
    });

    this.project = new codebuild.Project(this, 'Project', {
      description: 'Group Images: builds a container image from a base image and APT, Conda and Pip lists',
      buildSpec: props.buildspec,
      // The project would add its own statements to the role: writing to a default
      // /aws/codebuild/<project> log group it never uses and creating test-report groups. Every
      // permission this role has is granted explicitly below instead.
      role: this.role.withoutPolicyUpdates(),
      environment: {
        // x86_64: the images run on the portal's CPU and GPU nodes, which are x86_64 (CUDA base
        // images are amd64); an arm64 build host would need emulation for every RUN step.
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: props.settings.computeType as codebuild.ComputeType,
        // Privileged mode is acknowledged, not avoided: it runs the Docker daemon that BuildKit
        // builds with, and CodeBuild offers no other way to build an image from a Dockerfile. What
        // keeps it safe: no source and no VPC, a role that can only push to the two service
        // repositories and read pull secrets, and RUN steps cut off from the credentials endpoint
        // by the buildspec. (cdk-nag 3 has no rule on privileged mode, so there is nothing to
        // acknowledge in code; this comment is the acknowledgement.)
        privileged: true,
        // Everything else a build needs arrives with its StartBuild (BUILDSPEC_ENV). The platform's
        // package mirrors are the project's own: StartBuild's overrides (buildVariables) never carry
        // them, so no build spec can set them.
        environmentVariables: projectVariables(props.settings, buildkitImage),
      },
      timeout: Duration.minutes(props.settings.timeoutMinutes),
      queuedTimeout: Duration.minutes(props.settings.queuedTimeoutMinutes),
      logging: { cloudWatch: { logGroup: props.logGroup, enabled: true } },
      // A cap on what builds can cost at once: StartBuild beyond it is refused by CodeBuild, and the
      // build fails saying so ("could not be started ... Rebuild to try again").
      concurrentBuildLimit: props.concurrentBuildLimit,
    });
    if (props.network) this.securityGroupIds = attachBuildNetwork(this, props.network);

    this.project.node.addDependency(this.role);
    props.logGroup.grantWrite(this.role);

    // ECR: push and pull on the two service repositories only (pull: the layer cache, and existing
    // layers on push); GetAuthorizationToken has no resource-level permissions.
    props.imageRepository.grantPullPush(this.role);
    props.cacheRepository.grantPullPush(this.role);

    // Base image mirrors in this account's ECR (the stack's caches, or existing ones named in
    // baseImageMirrors): pull, import from the upstream and create repositories, under their prefixes only.
    this.pullThroughCaches.grantPullThrough(this.role);
    const configuredEcrMirrors = Object.values(props.baseImages?.mirrors ?? {}).flatMap((prefix) => ecrMirrorRepositories(prefix) ?? []);
    if (configuredEcrMirrors.length) {
      grantPullThroughPrefixes(
        this.role,
        configuredEcrMirrors.map((m) => m.arn),
      );
      for (const m of configuredEcrMirrors) {
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${m.arn}]`,
          reason: `baseImageMirrors names ${m.path}/ in a private ECR registry (a pull-through cache creates one repository per upstream image), so the build role may pull, import and create only repositories under it.`,
        });
      }
    }

    // Pull secrets: read, and only under the service prefix, which holds the system's secrets
    // (<prefix><name>) and every group's under its own prefix (<prefix>group/<group>/<name>).
    // CodeBuild resolves the build's Secrets Manager-typed PULL_SECRET_JSON with this role. AWS gives
    // no narrower grant per build: StartBuild takes no session policy or session tags, so one project
    // role reads what any of its builds may name. The id a build reads is chosen by the service
    // (lambdas/aws/codebuild-builder.ts, checked against the build's scope), never by the build.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretPrefixArn(props.secretPrefix)],
      }),
    );

    if (props.pullSecretKmsKeyArn) {
      this.role.addToPrincipalPolicy(kmsViaSecretsManager(props.pullSecretKmsKeyArn, ['kms:Decrypt']));
    }

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken (the docker login to ECR) has no resource-level permissions; pushes and pulls are limited to the two service repositories.',
    });
    acknowledgeSecretPrefix(
      this.role,
      props.secretPrefix,
      "The build reads the pull secret its StartBuild names (the system's, or its own group's under <prefix>group/<group>/); IAM cannot narrow a project's role to one build's secret (StartBuild takes no session policy or tags), so it is limited to the service's pull-secret prefix, which holds registry pull credentials only.",
    );
    Validations.of(this.project).acknowledge({
      id: 'AwsSolutions-CB4',
      reason:
        'The project produces no artifacts (NO_ARTIFACTS): images go to ECR (encrypted at rest) and logs to CloudWatch Logs; CodeBuild encrypts its own build storage with the AWS managed key.',
    });
  }
}

/**
 * Builds inside the platform's VPC (private registries, package mirrors): set on the project itself
 * rather than through the L2 `vpc` prop, because that prop writes its EC2 permissions into the role
 * through a policy of its own, and this role takes no policy updates. The statements are CodeBuild's
 * documented VPC permissions, the interface permission limited to the configured subnets.
 */
export function attachBuildNetwork(project: ImageBuildProject, network: BuildNetworkSettings): string[] {
  const scope = project;
  const securityGroupIds = network.securityGroupIds.length
    ? network.securityGroupIds
    : [
        // An L1 group: the VPC is only known by id (no lookup, so synth stays offline and agnostic).
        new ec2.CfnSecurityGroup(scope, 'BuildSecurityGroup', {
          vpcId: network.vpcId,
          groupDescription: 'Group Images builds: no inbound; outbound to base image registries, package mirrors and ECR',
          securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0', description: 'Registries, mirrors and ECR, wherever the platform routes them' }],
        }).attrGroupId,
      ];
  (project.project.node.defaultChild as codebuild.CfnProject).vpcConfig = {
    vpcId: network.vpcId,
    subnets: network.subnetIds,
    securityGroupIds,
  };
  const subnetArn = (id: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:subnet/${id}`;
  const policy = new iam.Policy(scope, 'VpcPolicy', {
    roles: [project.role],
    statements: [
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeVpcs',
        ],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterfacePermission'],
        resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:network-interface/*`],
        conditions: { StringEquals: { 'ec2:Subnet': network.subnetIds.map(subnetArn), 'ec2:AuthorizedService': 'codebuild.amazonaws.com' } },
      }),
    ],
  });
  // CodeBuild checks the permissions when the project is created or updated with a VPC.
  project.project.node.addDependency(policy);
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: "CodeBuild's documented VPC permissions: ec2:Describe*, CreateNetworkInterface and DeleteNetworkInterface have no resource-level permissions.",
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
    reason:
      'CreateNetworkInterfacePermission on the interfaces CodeBuild creates (their ids are not known in advance), limited by condition to the configured subnets and to CodeBuild.',
  });
  return securityGroupIds;
}

/**
 * `arn:...:secret:<prefix>*` (Secrets Manager appends a random suffix to every secret's ARN). Built
 * from the pseudo parameters even when the stack's account and region are known, so that the ARN,
 * and cdk-nag's finding id for it, read the same in every environment.
 */
export function secretPrefixArn(prefix: string): string {
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${prefix}*`;
}

/** Use of a KMS key, only by way of Secrets Manager (as it encrypts or decrypts a secret for the caller). */
export function kmsViaSecretsManager(keyArn: string, actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
  });
}

/**
 * Acknowledges cdk-nag's IAM5 finding for a statement on `secretPrefixArn(prefix)`: cdk-nag names the
 * finding after the rendered resource, so the id is computed the same way.
 */
export function acknowledgeSecretPrefix(scope: Construct, prefix: string, reason: string): void {
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*]`,
    reason,
  });
}

/** The project's own environment: the BuildKit image and the package mirrors, when set (none: undefined). */
function projectVariables(settings: BuildSettings, buildkitImage: string | undefined): Record<string, codebuild.BuildEnvironmentVariable> | undefined {
  const vars: Record<string, string> = { ...mirrorVariables(settings.mirrors ?? {}) };
  if (buildkitImage) vars[BUILDSPEC_ENV.buildkitImage] = buildkitImage;
  const entries = Object.entries(vars);
  return entries.length ? Object.fromEntries(entries.map(([name, value]) => [name, { value }])) : undefined;
}
