/**
 * CDK's built-in CloudFormation template validation (cdk.json turns its findings into errors), run
 * once here over every settings variant the infrastructure suites synthesize: synth.ts turns it off
 * elsewhere, because loading its rules costs each test file about two seconds of CPU. A suite that
 * synthesizes a new variant adds it here.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { PLACEHOLDER_ISSUER, type RawSettings } from '../../bin/settings.ts';
import { CDK_JSON_CONTEXT, synthFresh } from './synth.ts';

const ACCOUNT = '123456789012';
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CERT = `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
const BUILDKIT = 'public.ecr.aws/example/buildkit:v0.23.0';
const NETWORK = { buildVpcId: 'vpc-0123456789abcdef0', buildSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb' };
const CACHES = {
  pullThroughCaches: 'docker-hub,ecr-public,quay,ghcr,k8s',
  pullThroughCacheCredentials: JSON.stringify({
    'docker-hub': `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf`,
    ghcr: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:ecr-pullthroughcache/ghcr-AbCdEf`,
  }),
};

const VARIANTS: [string, RawSettings][] = [
  ['the default settings', {}],
  [
    'every optional setting',
    {
      corsOrigins: ['https://portal.example.com'],
      alarmTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:alarms`,
      eventBusName: 'portal-events',
      jwtIssuer: 'https://login.example.org/',
      buildkitImage: BUILDKIT,
      pullSecretKmsKeyArn: KMS_KEY,
      imagePullPrincipals: ['arn:aws:iam::111122223333:role/eks-nodes', '444455556666'],
      tags: { team: 'ml-platform' },
      domainName: 'images-api.example.com',
      certificateArn: CERT,
      buildVpcId: 'vpc-0123456789abcdef0',
      buildSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
      maxConcurrentBuilds: 5,
    },
  ],
  ['an alarm topic', { alarmTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:on-call` }],
  [
    'build compute and timeouts',
    {
      buildComputeType: 'BUILD_GENERAL1_LARGE',
      buildTimeoutMinutes: 90,
      buildQueuedTimeoutMinutes: 20,
      alarmTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:platform-alarms`,
    },
  ],
  ['build log retention', { buildLogRetentionDays: 365 }],
  ['private builds', NETWORK],
  ['private builds with security groups', { ...NETWORK, buildSecurityGroupIds: ['sg-0123456789abcdef0'] }],
  ['a BuildKit image', { buildkitImage: BUILDKIT }],
  [
    'a claim mapping',
    { claimGroups: 'cognito:groups', claimAdminGroups: '', claimRoles: '/realm_access/roles', groupPrefix: '/', adminGroupSuffix: '/admins' },
  ],
  ['CORS origins', { corsOrigins: ['https://portal.example.com'] }],
  ['a custom domain', { domainName: 'images-api.example.com', certificateArn: CERT }],
  ['an event bus', { eventBusName: 'portal-events' }],
  ['function log retention and an event bus', { functionLogRetentionDays: 14, eventBusName: 'portal-events' }],
  ['pull principals', { imagePullPrincipals: ['arn:aws:iam::111122223333:role/eks-notebook-nodes', '444455556666'] }],
  ['image retention', { imageRetentionDays: 30 }],
  [
    'the JWT and throttling settings',
    {
      jwtIssuer: 'https://login.example.org/realms/portal',
      jwtAudience: 'portal,cli',
      throttleRateLimit: 25,
      throttleBurstLimit: 60,
      accessLogRetentionDays: 180,
    },
  ],
  ['a build cap', { maxConcurrentBuilds: 4 }],
  [
    'package mirrors',
    {
      pipIndexUrl: 'https://nexus.example.com/repository/pypi/simple/',
      condaChannelAlias: 'https://conda.example.com',
      aptMirror: 'http://apt-proxy.example.com:8081',
    },
  ],
  ['a pull secret key', { pullSecretKmsKeyArn: KMS_KEY }],
  ['every pull-through cache', CACHES],
  ['every pull-through cache and a BuildKit image', { ...CACHES, buildkitImage: BUILDKIT }],
  [
    'base image mirrors',
    { baseImageMirrors: JSON.stringify({ 'docker.io': `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/existing-hub`, 'quay.io': 'mirror.example.com/quay' }) },
  ],
  ['a stack name', { stackName: 'GroupImages-staging' }],
  ['tags', { tags: 'team=ml-platform,cost-center=4711' }],
  ['the hardening settings', { alarmTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:platform-alarms`, pullSecretKmsKeyArn: KMS_KEY, buildkitImage: BUILDKIT }],
];

type Report = { pluginReports: { pluginName: string; conclusion: string }[] };

/** The built-in validation's report, which CDK writes into the cloud assembly only when it ran. */
function validationReport(directory: string): Report {
  return JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as Report;
}

describe("CDK's CloudFormation template validation", () => {
  it.each(VARIANTS)('passes with %s', (_, raw) => {
    const { app } = synthFresh(raw, {}, { validateTemplates: true }); // throws on a finding

    expect(validationReport(app.synth().directory).pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
  });

  it('passes with the deployment guard of the placeholder issuer', () => {
    const { app } = synthFresh({}, { refuseDeployment: { value: PLACEHOLDER_ISSUER, reason: 'set jwtIssuer' } }, { validateTemplates: true });

    expect(validationReport(app.synth().directory).pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
  });

  it("fails synthesis on a template CloudFormation would reject, with cdk.json's context", () => {
    const app = new App({ context: CDK_JSON_CONTEXT, builtinCloudFormationValidation: true });
    new CfnResource(new Stack(app, 'Invalid'), 'Queue', { type: 'AWS::SQS::Queue', properties: { MessageRetentionPeriod: 'a week' } });

    expect(() => app.synth()).toThrow(/MessageRetentionPeriod/);
  });

  it('is off in the shared synth() of the other suites (no report written)', () => {
    const { app } = synthFresh();

    expect(() => validationReport(app.synth().directory)).toThrow(/ENOENT/);
  });
});
