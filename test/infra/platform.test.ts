/**
 * What a platform team sets (issue 16), in the synthesized templates: pull access, tags, the custom
 * domain, private builds, the build cap, function and table alarms, the stack name on build events,
 * the refused placeholder issuer and environment-agnostic templates.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CfnResource, Stack, TagManager } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { PLACEHOLDER_ISSUER } from '../../bin/settings.ts';
import { ENV } from '../../lambdas/config.ts';
import { IMAGE_PULL_ACTIONS } from '../../lib/service-data.ts';
import { PROJECT_ROOT } from '../../lib/service-function.ts';
import { actionsOfRole, only, resourcesOf, synth } from './synth.ts';

const run = promisify(execFile);
const ROLE = 'arn:aws:iam::111122223333:role/eks-notebook-nodes';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

describe('pull access (imagePullPrincipals)', () => {
  it('lets the named roles and accounts pull the built images, and only pull', () => {
    const { dataTemplate } = synth({ imagePullPrincipals: [ROLE, '444455556666'] });
    const repos = resourcesOf(dataTemplate, 'AWS::ECR::Repository');
    const withPolicy = Object.values(repos).filter((r) => r.Properties?.RepositoryPolicyText);

    expect(withPolicy).toHaveLength(1); // the image repository; never the build cache
    const statements = (withPolicy[0]!.Properties!.RepositoryPolicyText as { Statement: { Action: string[]; Effect: string; Principal: { AWS: unknown[] } }[] })
      .Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Effect).toBe('Allow');
    expect([statements[0]!.Action].flat().sort()).toEqual([...IMAGE_PULL_ACTIONS].sort());
    expect(JSON.stringify(statements[0]!.Principal)).toContain(ROLE);
    expect(JSON.stringify(statements[0]!.Principal)).toContain(':iam::444455556666:root');
  });

  it('has no repository policy when no one is named', () => {
    const { dataTemplate } = synth();

    for (const r of Object.values(resourcesOf(dataTemplate, 'AWS::ECR::Repository'))) expect(r.Properties?.RepositoryPolicyText).toBeUndefined();
  });

  it("outputs the image repository's URI and ARN", () => {
    const { dataTemplate } = synth();
    const outputs = dataTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;

    expect(JSON.stringify(outputs.ImageRepositoryUri?.Value)).toContain('dkr.ecr');
    expect(outputs.ImageRepositoryArn?.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataImages/), 'Arn'] });
  });
});

describe('tags', () => {
  it('are on every taggable resource of both stacks', () => {
    const { data, api, dataTemplate, apiTemplate } = synth({ tags: 'team=ml-platform,cost-center=4711' });
    let checked = 0;
    for (const [stack, template] of [
      [data, dataTemplate],
      [api, apiTemplate],
    ] as const) {
      const rendered = template.toJSON().Resources as Record<string, { Properties?: { Tags?: unknown } }>;
      for (const c of stack.node.findAll()) {
        if (!(c instanceof CfnResource) || !TagManager.isTaggable(c)) continue;
        const tags = JSON.stringify(rendered[Stack.of(c).getLogicalId(c)]?.Properties?.Tags);
        expect([c.cfnResourceType, tags]).toEqual([c.cfnResourceType, expect.stringContaining('ml-platform')]);
        expect(tags).toContain('4711');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('custom domain (domainName + certificateArn)', () => {
  it('maps the domain to the API stage with the certificate, and outputs where DNS points', () => {
    const { apiTemplate } = synth({ domainName: 'images-api.example.com', certificateArn: CERT });

    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'images-api.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    const mapping = only(apiTemplate, 'AWS::ApiGatewayV2::ApiMapping');
    expect(mapping.Properties).toMatchObject({ ApiId: { Ref: expect.stringMatching(/^HttpApi/) }, Stage: '$default' });
    const outputs = apiTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.CustomDomainUrl?.Value).toBe('https://images-api.example.com/');
    expect(JSON.stringify(outputs.CustomDomainTarget?.Value)).toContain('RegionalDomainName');
  });

  it('is absent by default', () => {
    synth().apiTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });
});

describe('private builds (buildVpcId + buildSubnetIds + buildSecurityGroupIds)', () => {
  const network = { buildVpcId: 'vpc-0123456789abcdef0', buildSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb' };

  it('runs the builds in the subnets, with an outbound-only security group of their own', () => {
    const { api, apiTemplate } = synth(network);
    const project = only(apiTemplate, 'AWS::CodeBuild::Project');

    expect(project.Properties?.VpcConfig).toEqual({
      VpcId: 'vpc-0123456789abcdef0',
      Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^ImageBuildBuildSecurityGroup/), 'GroupId'] }],
    });
    const group = only(apiTemplate, 'AWS::EC2::SecurityGroup');
    expect(group.Properties?.SecurityGroupIngress).toBeUndefined();
    // CodeBuild's VPC permissions, the interface permission only in the configured subnets.
    const roleId = Stack.of(api).getLogicalId(api.builds.role.node.defaultChild as CfnResource);
    const actions = actionsOfRole(apiTemplate, roleId);
    expect(actions.has('ec2:CreateNetworkInterface')).toBe(true);
    expect(JSON.stringify(resourcesOf(apiTemplate, 'AWS::IAM::Policy'))).toContain(':subnet/subnet-0bbbbbbbbbbbbbbbb');
  });

  it('uses the given security groups instead of creating one', () => {
    const { apiTemplate } = synth({ ...network, buildSecurityGroupIds: ['sg-0123456789abcdef0'] });

    expect(only(apiTemplate, 'AWS::CodeBuild::Project').Properties?.VpcConfig).toMatchObject({ SecurityGroupIds: ['sg-0123456789abcdef0'] });
    apiTemplate.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  it('has no VPC by default', () => {
    expect(only(synth().apiTemplate, 'AWS::CodeBuild::Project').Properties?.VpcConfig).toBeUndefined();
  });
});

describe('maxConcurrentBuilds', () => {
  it("is the build project's concurrent build limit", () => {
    expect(only(synth({ maxConcurrentBuilds: 4 }).apiTemplate, 'AWS::CodeBuild::Project').Properties?.ConcurrentBuildLimit).toBe(4);
    expect(only(synth().apiTemplate, 'AWS::CodeBuild::Project').Properties?.ConcurrentBuildLimit).toBeUndefined();
  });
});

describe('image retirement (imageRetentionDays)', () => {
  it('runs daily with retries and a dead-letter queue, keeping unreferenced images for the configured days', () => {
    const { api, apiTemplate } = synth({ imageRetentionDays: 30 });
    const fnId = Stack.of(api).getLogicalId(api.functions.imageRetirement.function.node.defaultChild as CfnResource);
    const fn = resourcesOf(apiTemplate, 'AWS::Lambda::Function')[fnId]!;
    const rule = Object.values(resourcesOf(apiTemplate, 'AWS::Events::Rule')).find((r) => JSON.stringify(r.Properties?.Targets).includes(fnId))!;

    expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables[ENV.imageRetentionDays]).toBe('30');
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 day)',
      Targets: [expect.objectContaining({ RetryPolicy: expect.anything(), DeadLetterConfig: expect.anything() })],
    });
  });

  it('defaults to 14 days', () => {
    const { api, apiTemplate } = synth();
    const fnId = Stack.of(api).getLogicalId(api.functions.imageRetirement.function.node.defaultChild as CfnResource);

    expect(
      (resourcesOf(apiTemplate, 'AWS::Lambda::Function')[fnId]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables[
        ENV.imageRetentionDays
      ],
    ).toBe('14');
  });
});

describe('function and table alarms', () => {
  const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:on-call';
  const { api, apiTemplate } = synth({ alarmTopicArn: TOPIC });
  const alarms = Object.values(resourcesOf(apiTemplate, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);

  it.each(['Errors', 'Throttles'])("alarm on every function's %s, to the topic", (metric) => {
    for (const fn of Object.values(api.functions)) {
      const logicalId = Stack.of(api).getLogicalId(fn.function.node.defaultChild as CfnResource);
      const found = alarms.filter((a) => a.MetricName === metric && a.Namespace === 'AWS/Lambda' && JSON.stringify(a.Dimensions).includes(logicalId));
      expect([logicalId, found.length]).toEqual([logicalId, 1]);
      expect(found[0]).toMatchObject({ Threshold: 1, AlarmActions: [TOPIC], OKActions: [TOPIC] });
    }
  });

  it('show on the dashboard, with the images retirement deleted', () => {
    const body = JSON.stringify(Object.values(resourcesOf(apiTemplate, 'AWS::CloudWatch::Dashboard'))[0]?.Properties?.DashboardBody);

    expect(body).toContain('Function and table alarms');
    expect(body).toContain('ImagesRetired');
  });

  it('alarm on the catalog table throttling reads or writes', () => {
    const table = alarms.filter((a) => JSON.stringify(a.Metrics ?? []).includes('ReadThrottleEvents'));

    expect(table).toHaveLength(1);
    expect(JSON.stringify(table[0]!.Metrics)).toContain('WriteThrottleEvents');
    expect(JSON.stringify(table[0]!.Metrics)).toContain('AWS/DynamoDB');
  });
});

describe('build events carry the stack name', () => {
  it('to every function that publishes them', () => {
    const { api, apiTemplate } = synth({ stackName: 'GroupImages-staging' });
    const fns = resourcesOf(apiTemplate, 'AWS::Lambda::Function');
    for (const name of ['catalogWriter', 'buildEvents', 'buildReconciler'] as const) {
      const id = Stack.of(api).getLogicalId(api.functions[name].function.node.defaultChild as CfnResource);
      expect((fns[id]!.Properties!.Environment as { Variables: Record<string, string> }).Variables[ENV.stackName]).toBe('GroupImages-staging');
    }
  });
});

describe('the placeholder issuer', () => {
  it('gives both stacks a CloudFormation rule that refuses the deployment, saying why', () => {
    const guarded = synth({}, { refuseDeployment: { value: PLACEHOLDER_ISSUER, reason: 'set jwtIssuer' } });

    for (const template of [guarded.dataTemplate, guarded.apiTemplate]) {
      const json = template.toJSON() as {
        Rules: Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
        Parameters: Record<string, { Default: string }>;
      };
      const [name, rule] = Object.entries(json.Rules).find(([id]) => id.startsWith('DeploymentGuard'))!;
      const [paramId, param] = Object.entries(json.Parameters).find(([id]) => id.startsWith('DeploymentGuard'))!;
      expect(name).toBeDefined();
      expect(param.Default).toBe(PLACEHOLDER_ISSUER);
      // The assertion is false for the parameter's value, so CloudFormation refuses the template.
      expect(rule.Assertions).toEqual([
        { Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: paramId }, PLACEHOLDER_ISSUER] }] }, AssertDescription: 'set jwtIssuer' },
      ]);
    }
  });

  it('is not guarded when the issuer is set', () => {
    for (const template of [synth().dataTemplate, synth().apiTemplate]) {
      expect(Object.keys((template.toJSON() as { Rules?: object }).Rules ?? {}).filter((id) => id.startsWith('DeploymentGuard'))).toEqual([]);
    }
  });
});

describe('`cdk synth` (bin/app.ts) as the CLI runs it', () => {
  /** Runs the app with the context and environment the CDK CLI would give it; returns the cloud assembly. */
  async function synthApp(context: Record<string, unknown>, env: Record<string, string> = {}) {
    const outdir = mkdtempSync(join(tmpdir(), 'gi-platform-'));
    const result = await run(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }) },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    const read = (file: string) => readFileSync(join(outdir, file), 'utf8');
    const files = result.code === 0 ? readdirSync(outdir) : [];
    return { ...result, files, read, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
  }

  it("refuses a mistyped setting, naming the closest one, and leaves CDK's own context keys alone", async () => {
    const out = await synthApp({
      jwtIsuer: 'https://login.example.com/',
      corsOrigin: 'https://portal.example.com',
      '@aws-cdk/core:newStyleStackSynthesis': true,
    });
    try {
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('jwtIsuer: is not a setting: did you mean jwtIssuer?');
      expect(out.stderr).toContain('corsOrigin: is not a setting: did you mean corsOrigins?');
      expect(out.stderr).not.toContain('@aws-cdk');
    } finally {
      out.cleanup();
    }
  });

  it('is environment-agnostic by default, even when the CLI knows a default region (no us-east-1, no aws partition)', async () => {
    const out = await synthApp({}, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'us-east-1' });
    try {
      expect(out.code).toBe(0);
      const manifest = JSON.parse(out.read('manifest.json')) as { artifacts: Record<string, { type: string; environment?: string }> };
      const stacks = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
      expect(stacks.map((s) => s.environment)).toEqual(['aws://unknown-account/unknown-region', 'aws://unknown-account/unknown-region']);
      for (const file of out.files.filter((f) => f.endsWith('.template.json'))) {
        const text = out.read(file);
        expect([file, text.includes('us-east-1')]).toEqual([file, false]);
        expect([file, text.includes('123456789012')]).toEqual([file, false]);
        expect([file, /"arn:aws:/.test(text)]).toEqual([file, false]);
        // The placeholder issuer: synth works, deploying does not.
        expect(Object.keys((JSON.parse(text) as { Rules?: object }).Rules ?? {}).some((id) => id.startsWith('DeploymentGuard'))).toBe(true);
      }
    } finally {
      out.cleanup();
    }
  });

  /**
   * Runs bin/app.ts in this process, as the CLI would (context and output directory from the
   * environment): the same module, without paying a second Node, tsx and aws-cdk-lib start-up.
   * A module runs once per test file, so only one test may use it.
   */
  async function synthAppInProcess(context: Record<string, unknown>) {
    const outdir = mkdtempSync(join(tmpdir(), 'gi-platform-'));
    const saved = { CDK_OUTDIR: process.env.CDK_OUTDIR, CDK_CONTEXT_JSON: process.env.CDK_CONTEXT_JSON };
    const savedExitCode = process.exitCode;
    process.env.CDK_OUTDIR = outdir;
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context });
    let code: number;
    try {
      process.exitCode = undefined;
      await import('../../bin/app.ts');
      code = Number(process.exitCode ?? 0); // what the CLI's Node process would exit with
    } finally {
      process.exitCode = savedExitCode;
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const read = (file: string) => readFileSync(join(outdir, file), 'utf8');
    return { code, files: readdirSync(outdir), read, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
  }

  it('pins the account and region when they are set', async () => {
    const out = await synthAppInProcess({ account: '123456789012', region: 'eu-west-1', jwtIssuer: 'https://login.example.com/realms/portal' });
    try {
      expect(out.code).toBe(0);
      const manifest = JSON.parse(out.read('manifest.json')) as { artifacts: Record<string, { type: string; environment?: string }> };
      const stacks = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
      expect(stacks.map((s) => s.environment)).toEqual(['aws://123456789012/eu-west-1', 'aws://123456789012/eu-west-1']);
      for (const file of out.files.filter((f) => f.endsWith('.template.json'))) {
        expect(Object.keys((JSON.parse(out.read(file)) as { Rules?: object }).Rules ?? {}).some((id) => id.startsWith('DeploymentGuard'))).toBe(false);
      }
    } finally {
      out.cleanup();
    }
  });
});
