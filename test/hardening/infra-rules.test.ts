/**
 * Build isolation and infrastructure rules, stated for the whole template rather than per resource,
 * so that a resource added later falls under them. What test/infra/ and test/builds/buildspec.test.ts
 * already assert (cdk-nag packs with reasons, the buildspec's iptables rules run with stand-in tools,
 * each function's exact grants, the two DLQs and their alarms) is not repeated here.
 *   - the buildspec CodeBuild runs is the repository's file, as written, and nothing in production turns
 *     its metadata guard off (neither the project's variables nor StartBuild's overrides);
 *   - only the build role pushes images, only to the service's two repositories; only it reads secret
 *     values, only under the service's prefix; it reaches nothing but ECR, its log group and secrets;
 *   - every asynchronous target (every rule target, every function EventBridge invokes) has retries and
 *     a dead-letter queue, and every queue raises an alarm to the configured topic on its first message.
 */
import { readFileSync } from 'node:fs';
import { CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { parseSettings, type RawSettings } from '../../bin/settings.ts';
import { buildVariables, CodeBuildBuilder } from '../../lambdas/aws/codebuild-builder.ts';
import { pullSecretId } from '../../lambdas/aws/secrets-manager-directory.ts';
import { BUILDSPEC_ENV, BUILDSPEC_PATH } from '../../lambdas/builds/buildspec-env.ts';
import { renderBuildContext } from '../../lambdas/builds/build-context.ts';
import { queuedBuild } from '../../lambdas/domain/build.ts';
import { createGroupImages } from '../../lib/group-images.ts';
import { PROJECT_ROOT } from '../../lib/service-function.ts';
import { Figures } from '../support/figures.ts';
import { actionsOfRole, CDK_JSON_CONTEXT, resourcesOf } from '../infra/synth.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:platform-alarms';
const SETTINGS: RawSettings = {
  alarmTopicArn: TOPIC,
  pullSecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  buildkitImage: 'public.ecr.aws/example/buildkit:v0.23.0',
};
const SLOW = 120_000;

/**
 * The app as `cdk synth` builds it, the real buildspec file included (only the function code is a
 * stub). CDK's template validation is off here as in synth.ts: cfn-validation.test.ts runs it.
 */
const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
const { api, data } = createGroupImages(app, parseSettings(SETTINGS), { functionCode: 'stub' });
const apiTemplate = Template.fromStack(api);
const idOf = (construct: { node: { defaultChild?: unknown } }) => api.getLogicalId(construct.node.defaultChild as CfnElement);
const dataIdOf = (construct: { node: { defaultChild?: unknown } }) => data.getLogicalId(construct.node.defaultChild as CfnElement);
type Props = Record<string, unknown>;

const figures = new Figures('infra-rules');
afterAll(() => figures.record());

describe('the buildspec CodeBuild runs', () => {
  const project = Object.values(resourcesOf(apiTemplate, 'AWS::CodeBuild::Project'))[0]!.Properties as Props;

  it(
    "is the repository's buildspec file, as written",
    () => {
      // Assess
      expect((project.Source as Props).BuildSpec).toBe(readFileSync(`${PROJECT_ROOT}${BUILDSPEC_PATH}`, 'utf8'));
    },
    SLOW,
  );

  it('blocks the credentials endpoints and instance metadata from the RUN steps unless EGRESS_GUARD says otherwise', () => {
    // Assess
    const buildspec = (project.Source as Props).BuildSpec as string;
    expect(buildspec).toContain('case "${EGRESS_GUARD:-iptables}" in');
    expect(buildspec).toMatch(/for ip in 169\.254\.170\.2 169\.254\.170\.23 169\.254\.169\.254; do/);
    expect(buildspec).toContain('iptables -I DOCKER-USER 1 -d "$ip" -j DROP');
  });

  it('is never told to drop the guard, skip the registry login or keep the image: not by the project, not by StartBuild', async () => {
    // Prepare
    const codebuild = mockClient(CodeBuildClient);
    codebuild.on(StartBuildCommand).resolves({ build: { id: 'group-images-image-build:1' } });
    const spec = { baseImage: 'python:3.12', pullSecret: 'ghcr-team-a', packages: { apt: ['curl'], pip: ['requests'] } };
    const build = queuedBuild({
      id: 'b000000000guard1',
      image: 'guarded-x1y2z',
      group: 'team-a',
      spec,
      specHash: 'a'.repeat(64),
      targetUrl: 'registry.example.com/gi:sha-1',
      createdAt: '2025-06-03T09:00:00.000Z',
      createdBy: 'ada',
    });
    const job = {
      scope: { group: 'team-a' },
      build,
      files: renderBuildContext(spec).files,
      cacheRef: 'registry.example.com/gi-cache:team-a',
      pullSecret: 'ghcr-team-a',
    };

    // Act
    await new CodeBuildBuilder(codebuild as unknown as CodeBuildClient, 'group-images-image-build', 'group-images/').start(job);

    // Assess
    const LOCAL_ONLY = [BUILDSPEC_ENV.egressGuard, BUILDSPEC_ENV.registryLogin, BUILDSPEC_ENV.pushImage, BUILDSPEC_ENV.containerCli, BUILDSPEC_ENV.workDir];
    const overrides = codebuild.commandCalls(StartBuildCommand)[0]!.args[0].input.environmentVariablesOverride!.map((v) => v.name);
    const projectVariables = (((project.Environment as Props).EnvironmentVariables ?? []) as { Name: string }[]).map((v) => v.Name);
    expect(overrides.filter((n) => LOCAL_ONLY.includes(n as never))).toEqual([]);
    expect(Object.keys(buildVariables(job)).filter((n) => LOCAL_ONLY.includes(n as never))).toEqual([]);
    expect(projectVariables.filter((n) => LOCAL_ONLY.includes(n as never))).toEqual([]);
    codebuild.restore();
  });
});

describe('build isolation in IAM, over every role', () => {
  const roles = Object.keys(resourcesOf(apiTemplate, 'AWS::IAM::Role'));
  const buildRole = idOf(api.builds.role);
  const repositories = [dataIdOf(data.data.imageRepository), dataIdOf(data.data.cacheRepository)];
  const ECR_PUSH = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:BatchCheckLayerAvailability'];

  it("lets only the build role push, and only to the service's two repositories", () => {
    // Assess
    for (const role of roles) {
      const actions = actionsOfRole(apiTemplate, role);
      for (const action of ECR_PUSH) {
        if (role !== buildRole) {
          expect([role, action, actions.has(action)]).toEqual([role, action, false]);
          continue;
        }
        const resources = actions.get(action)!.map((r) => JSON.stringify(r));
        expect(resources.length).toBeGreaterThan(0);
        for (const r of resources) expect([action, repositories.some((repo) => r.includes(repo))]).toEqual([action, true]);
      }
    }
    figures.set('rolesChecked', roles.length);
  });

  it("lets only the build role read secret values, and only the service's prefixed secrets", () => {
    // Assess
    const prefixArn = `:secret:${api.secretPrefix}*`;
    for (const role of roles) {
      const resources = actionsOfRole(apiTemplate, role).get('secretsmanager:GetSecretValue');
      if (role !== buildRole) {
        expect([role, resources]).toEqual([role, undefined]);
        continue;
      }
      expect(resources!.length).toBeGreaterThan(0);
      for (const r of resources!.map((x) => JSON.stringify(x))) expect(r.endsWith(`${prefixArn}"]]}`) || r.endsWith(`${prefixArn}"`)).toBe(true);
    }
  });

  it("covers every group's own secret prefix with the grants of the build role, the writer and the secrets function, and CodeBuild reads the id its build names", async () => {
    // Prepare: a group build that names its own group's secret.
    const codebuild = mockClient(CodeBuildClient);
    codebuild.on(StartBuildCommand).resolves({ build: { id: 'group-images-image-build:2' } });
    const spec = { baseImage: 'python:3.12', pullSecret: 'team-a/ghcr', packages: { pip: ['requests'] } };
    const build = queuedBuild({
      id: 'b000000000group1',
      image: 'grouped-x1y2z',
      group: 'team-a',
      spec,
      specHash: 'b'.repeat(64),
      targetUrl: 'registry.example.com/gi:sha-2',
      createdAt: '2025-06-03T09:00:00.000Z',
      createdBy: 'ada',
    });
    const job = { scope: { group: 'team-a' }, build, files: renderBuildContext(spec).files, cacheRef: '', pullSecret: 'team-a/ghcr' };
    const builder = new CodeBuildBuilder(codebuild as unknown as CodeBuildClient, 'group-images-image-build', api.secretPrefix);

    // Act
    await builder.start(job);
    const foreign = await builder.start({ ...job, scope: { group: 'team-b' } }).catch((e: Error) => e);

    // Assess
    const variable = codebuild
      .commandCalls(StartBuildCommand)[0]!
      .args[0].input.environmentVariablesOverride!.find((v) => v.name === BUILDSPEC_ENV.pullSecretJson)!;
    expect(variable).toEqual({ name: BUILDSPEC_ENV.pullSecretJson, value: `${api.secretPrefix}group/team-a/ghcr`, type: 'SECRETS_MANAGER' });
    expect(variable.value).toBe(pullSecretId(api.secretPrefix, { group: 'team-a', name: 'ghcr' }));
    expect(foreign).toBeInstanceOf(Error);
    expect(codebuild.commandCalls(StartBuildCommand)).toHaveLength(1);
    codebuild.restore();
    const granted = (role: string, action: string) => (actionsOfRole(apiTemplate, role).get(action) ?? []).map((r) => JSON.stringify(r));
    const writer = idOf(api.functions.catalogWriter.role);
    const secrets = idOf(api.functions.secrets.role);
    for (const [role, action] of [
      [buildRole, 'secretsmanager:GetSecretValue'],
      [writer, 'secretsmanager:DescribeSecret'],
      [secrets, 'secretsmanager:CreateSecret'],
      [secrets, 'secretsmanager:DeleteSecret'],
    ] as const) {
      const patterns = granted(role, action)
        .map((r) => /:secret:([^"*]*)\*"/.exec(r)?.[1])
        .filter((p): p is string => p !== undefined);
      expect([role, action, patterns]).toEqual([role, action, [api.secretPrefix]]);
      // IAM's "*" matches any characters, "/" included: the group's id is under the granted prefix.
      expect(variable.value!.startsWith(patterns[0]!)).toBe(true);
    }
  });

  it('gives the build role nothing beyond ECR, its log group, the secrets and their key through Secrets Manager', () => {
    // Assess
    const actions = actionsOfRole(apiTemplate, buildRole);
    const services = [...new Set([...actions.keys()].map((a) => a.split(':')[0]))].sort();
    expect(services).toEqual(['ecr', 'kms', 'logs', 'secretsmanager']);
    expect([...actions.keys()].filter((a) => a.startsWith('kms:'))).toEqual(['kms:Decrypt']);
    const policies = Object.values(resourcesOf(apiTemplate, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties?.Roles).includes(buildRole));
    const kms = policies
      .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Props[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('kms:'));
    for (const statement of kms) expect(JSON.stringify(statement.Condition)).toContain('kms:ViaService');
  });
});

describe('asynchronous targets', () => {
  const rules = Object.values(resourcesOf(apiTemplate, 'AWS::Events::Rule')).map((r) => r.Properties as Props);
  const functions = resourcesOf(apiTemplate, 'AWS::Lambda::Function');
  const queues = Object.keys(resourcesOf(apiTemplate, 'AWS::SQS::Queue'));
  const alarms = Object.values(resourcesOf(apiTemplate, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Props);
  const queueOf = (arn: unknown) => (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

  it('gives every EventBridge rule target retries and a dead-letter queue of this stack', () => {
    // Assess
    const targets = rules.flatMap((r) => r.Targets as Props[]);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      expect(target.RetryPolicy).toEqual(expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }));
      expect(queues).toContain(queueOf((target.DeadLetterConfig as Props).Arn));
    }
    figures.set('asyncTargetsChecked', targets.length);
  });

  it('gives every function EventBridge invokes a dead-letter queue for its own asynchronous retries', () => {
    // Assess
    const invokedByEvents = Object.values(resourcesOf(apiTemplate, 'AWS::Lambda::Permission'))
      .filter((p) => p.Properties!.Principal === 'events.amazonaws.com')
      .map((p) => (p.Properties!.FunctionName as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
    expect(invokedByEvents.length).toBeGreaterThan(0);
    for (const fn of new Set(invokedByEvents))
      expect([fn, queues.includes(queueOf((functions[fn]!.Properties!.DeadLetterConfig as Props | undefined)?.TargetArn ?? { 'Fn::GetAtt': [''] }))]).toEqual([
        fn,
        true,
      ]);
  });

  it('raises an alarm to the configured topic on every queue as soon as it holds a message', () => {
    // Assess
    for (const queue of queues) {
      const watching = alarms.filter((a) => JSON.stringify(a.Dimensions ?? []).includes(`"${queue}"`));
      expect([queue, watching.length]).toEqual([queue, 1]);
      expect(watching[0]).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [TOPIC],
      });
    }
    figures.set('deadLetterQueuesWithAlarms', queues.length);
  });
});
