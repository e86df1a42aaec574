import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { BUILD_EVENT_DETAIL_TYPES } from '../../lib/api-stack.ts';
import { InlineYamlBuildSpec } from '../../lib/image-build-project.ts';
import { TEST_BUILDSPEC, actionsOfRole, only, resourcesOf, synth } from './synth.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:platform-alarms';
const { api, apiTemplate, data } = synth({
  buildComputeType: 'BUILD_GENERAL1_LARGE',
  buildTimeoutMinutes: 90,
  buildQueuedTimeoutMinutes: 20,
  alarmTopicArn: TOPIC,
});

type Props = Record<string, unknown>;
const idOf = (construct: { node: { defaultChild?: unknown } }) => api.getLogicalId(construct.node.defaultChild as CfnElement);
const importOf = (construct: { node: { defaultChild?: unknown } }) => data.getLogicalId(construct.node.defaultChild as CfnElement);
const rules = () => Object.values(resourcesOf(apiTemplate, 'AWS::Events::Rule')).map((r) => r.Properties as Props);

describe('image build project', () => {
  const project = only(apiTemplate, 'AWS::CodeBuild::Project').Properties as Props;

  it('builds privileged (BuildKit needs the Docker daemon), on x86_64, with the configured compute type and timeouts', () => {
    expect(project).toMatchObject({
      Environment: { Type: 'LINUX_CONTAINER', Image: 'aws/codebuild/standard:7.0', ComputeType: 'BUILD_GENERAL1_LARGE', PrivilegedMode: true },
      TimeoutInMinutes: 90,
      QueuedTimeoutInMinutes: 20,
      Artifacts: { Type: 'NO_ARTIFACTS' },
    });
  });

  it('has no source: the buildspec is inlined in the project', () => {
    expect(project.Source).toEqual({ Type: 'NO_SOURCE', BuildSpec: JSON.stringify(TEST_BUILDSPEC, null, 2) });
  });

  it("logs to the data stack's build log group only", () => {
    const logs = JSON.stringify(project.LogsConfig);

    expect(logs).toContain(importOf(data.data.buildLogGroup));
    expect(project.LogsConfig).toMatchObject({ CloudWatchLogs: { Status: 'ENABLED' } });
  });

  it('leaves every build variable to StartBuild, except a configured BuildKit image', () => {
    const mirrored = only(synth({ buildkitImage: 'public.ecr.aws/example/buildkit:v0.23.0' }).apiTemplate, 'AWS::CodeBuild::Project').Properties as Props;

    expect((project.Environment as Props).EnvironmentVariables).toBeUndefined();
    expect((mirrored.Environment as Props).EnvironmentVariables).toEqual([
      { Name: 'BUILDKIT_IMAGE', Type: 'PLAINTEXT', Value: 'public.ecr.aws/example/buildkit:v0.23.0' },
    ]);
  });

  it("gives every build the platform's package mirrors as the project's own variables, never StartBuild's", () => {
    const mirrors = {
      pipIndexUrl: 'https://nexus.example.com/repository/pypi/simple/',
      condaChannelAlias: 'https://conda.example.com',
      aptMirror: 'http://apt-proxy.example.com:8081',
    };
    const mirrored = only(synth(mirrors).apiTemplate, 'AWS::CodeBuild::Project').Properties as Props;

    expect((mirrored.Environment as Props).EnvironmentVariables).toEqual([
      { Name: 'PIP_INDEX_URL', Type: 'PLAINTEXT', Value: mirrors.pipIndexUrl },
      { Name: 'CONDA_CHANNEL_ALIAS', Type: 'PLAINTEXT', Value: mirrors.condaChannelAlias },
      { Name: 'APT_MIRROR', Type: 'PLAINTEXT', Value: mirrors.aptMirror },
    ]);
  });

  it('runs with a role that can push only to the two repositories, read only pull secrets and write only its log group', () => {
    const actions = actionsOfRole(apiTemplate, idOf(api.builds.role));
    const repositories = [importOf(data.data.imageRepository), importOf(data.data.cacheRepository)];
    const pushed = JSON.stringify(actions.get('ecr:PutImage'));

    expect([...actions.keys()].sort()).toEqual(
      [
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:CompleteLayerUpload',
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
        'ecr:InitiateLayerUpload',
        'ecr:PutImage',
        'ecr:UploadLayerPart',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
    expect(actions.get('ecr:PutImage')).toHaveLength(2);
    for (const repository of repositories) expect(pushed).toContain(repository);
    expect(actions.get('ecr:GetAuthorizationToken')).toEqual(['*']);
    expect(JSON.stringify(actions.get('secretsmanager:GetSecretValue'))).toContain(`:secret:${api.secretPrefix}*`);
    expect(JSON.stringify(actions.get('logs:PutLogEvents'))).toContain(importOf(data.data.buildLogGroup));
  });

  it('inlines a buildspec file as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gi-buildspec-'));
    try {
      const text = 'version: 0.2\n# a comment survives\nphases:\n  build:\n    commands:\n      - echo "$IMAGE_REPOSITORY_URI"\n';
      writeFileSync(join(dir, 'ok.yml'), text);
      writeFileSync(join(dir, 'not-a-buildspec.yml'), 'phases: {}\n');

      expect(new InlineYamlBuildSpec(join(dir, 'ok.yml')).toBuildSpec()).toBe(text);
      expect(() => new InlineYamlBuildSpec(join(dir, 'not-a-buildspec.yml'))).toThrow('no "version: 0.2" line');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('build events and reconciliation', () => {
  const buildEventsRule = () => rules().find((r) => (r.EventPattern as Props | undefined)?.source?.toString() === 'aws.codebuild')!;
  const imageScanRule = () => rules().find((r) => (r.EventPattern as Props | undefined)?.source?.toString() === 'aws.ecr')!;
  const scheduleRule = () => rules().find((r) => r.ScheduleExpression)!;

  it("routes this project's state and phase changes, and nothing else, to the build events function", () => {
    expect(rules()).toHaveLength(4); // and ECR's scan results, the reconciler's and image retirement's schedules
    expect(buildEventsRule().EventPattern).toEqual({
      source: ['aws.codebuild'],
      'detail-type': BUILD_EVENT_DETAIL_TYPES,
      account: [{ Ref: 'AWS::AccountId' }],
      detail: { 'project-name': [{ Ref: idOf(api.builds.project) }] },
    });
    expect(BUILD_EVENT_DETAIL_TYPES).toEqual(['CodeBuild Build State Change', 'CodeBuild Build Phase Change']);
  });

  it('retries a failed delivery, then keeps the event in a dead-letter queue', () => {
    const [target] = buildEventsRule().Targets as Props[];

    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [idOf(api.functions.buildEvents.function), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(api.buildEventsDlq.queue), 'Arn'] } },
    });
  });

  it("routes ECR's completed scans of the image repository, and nothing else, to the build events function (issue 18)", () => {
    const pattern = imageScanRule().EventPattern as Props;
    const [target] = imageScanRule().Targets as Props[];

    expect(pattern).toEqual({
      source: ['aws.ecr'],
      'detail-type': ['ECR Image Scan'],
      account: [{ Ref: 'AWS::AccountId' }],
      detail: { 'repository-name': [expect.anything()], 'scan-status': ['COMPLETE'] },
    });
    expect(JSON.stringify((pattern.detail as Props)['repository-name'])).toContain(importOf(data.data.imageRepository));
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [idOf(api.functions.buildEvents.function), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(api.buildEventsDlq.queue), 'Arn'] } },
    });
  });

  it('runs the reconciler every 5 minutes, with retries and its own dead-letter queue', () => {
    const [target] = scheduleRule().Targets as Props[];

    expect(scheduleRule().ScheduleExpression).toBe('rate(5 minutes)');
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': [idOf(api.functions.buildReconciler.function), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 2 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(api.reconcilerDlq.queue), 'Arn'] } },
    });
  });

  it('sends an asynchronous invocation that still fails after its retries to the same dead-letter queue', () => {
    const functions = resourcesOf(apiTemplate, 'AWS::Lambda::Function');

    expect(functions[idOf(api.functions.buildEvents.function)]?.Properties?.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [idOf(api.buildEventsDlq.queue), 'Arn'] },
    });
    expect(functions[idOf(api.functions.buildReconciler.function)]?.Properties?.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [idOf(api.reconcilerDlq.queue), 'Arn'] },
    });
  });

  it('keeps dead letters encrypted, over TLS only, for 14 days', () => {
    const queues = resourcesOf(apiTemplate, 'AWS::SQS::Queue');
    const policies = Object.values(resourcesOf(apiTemplate, 'AWS::SQS::QueuePolicy')).map((p) => JSON.stringify(p.Properties));

    expect(Object.keys(queues)).toHaveLength(3);
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(policies.some((p) => p.includes(id) && p.includes('"aws:SecureTransport":"false"') && p.includes('"Effect":"Deny"'))).toBe(true);
    }
  });

  it('raises an alarm, to the configured topic, as soon as a dead-letter queue holds a message', () => {
    const alarms = Object.values(resourcesOf(apiTemplate, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as Props)
      .filter((a) => a.Namespace === 'AWS/SQS');
    const watched = alarms.map((a) => (a.Dimensions as { Value: { 'Fn::GetAtt': [string, string] } }[])[0]!.Value['Fn::GetAtt'][0]).sort();

    expect(watched).toEqual([idOf(api.buildEventsDlq.queue), idOf(api.reconcilerDlq.queue), idOf(api.retirementDlq.queue)].sort());
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [TOPIC],
      });
    }
  });

  it('lets no HTTP function have a dead-letter queue (API Gateway invokes them synchronously)', () => {
    const functions = resourcesOf(apiTemplate, 'AWS::Lambda::Function');
    for (const name of ['public', 'catalogReader', 'catalogWriter', 'buildLogs', 'secrets'] as const) {
      expect(functions[idOf(api.functions[name].function)]?.Properties?.DeadLetterConfig).toBeUndefined();
    }
  });
});
