import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLACEHOLDER_ISSUER, parseSettings, readSettings, SETTING_KEYS, type RawSettings } from '../../bin/settings.ts';
import { settingsError } from '../support/settings-error.ts';
import { CDK_JSON_CONTEXT } from './synth.ts';
import { PROJECT_ROOT } from '../../lib/service-function.ts';

const run = promisify(execFile);

describe('deployment settings', () => {
  it('has a default for every setting, so synth works with no context at all', () => {
    const s = parseSettings({});

    expect(s).toEqual({
      stackName: 'GroupImages',
      jwt: { issuer: PLACEHOLDER_ISSUER, audience: ['group-images'] },
      claims: {
        sub: 'sub',
        groups: 'groups',
        adminGroups: 'admin_groups',
        roles: 'roles',
        systemAdminRole: 'system-admin',
        groupPrefix: '',
        adminGroupSuffix: '',
      },
      api: { corsOrigins: [], throttleRateLimit: 50, throttleBurstLimit: 100, accessLogRetentionDays: 90 },
      builds: {
        computeType: 'BUILD_GENERAL1_MEDIUM',
        timeoutMinutes: 60,
        queuedTimeoutMinutes: 30,
        logRetentionDays: 90,
        stuckBuildMinutes: 15,
        buildkitImage: undefined,
      },
      limits: { maxImagesPerGroup: 200, maxConcurrentBuildsPerGroup: 3 },
      baseImages: { mirrors: {}, pullThroughCaches: [] },
      functionLogRetentionDays: 30,
      alarmTopicArn: undefined,
      eventBusName: undefined,
      pullSecretKmsKeyArn: undefined,
      platform: {
        env: {},
        tags: {},
        imagePullPrincipals: [],
        imageRetentionDays: 14,
        customDomain: undefined,
        buildNetwork: undefined,
        maxConcurrentBuilds: undefined,
      },
    });
  });

  it('reads `-c key=value` strings: numbers, comma-separated and JSON lists', () => {
    const s = readSettings(
      (key) =>
        ({
          throttleRateLimit: '20',
          throttleBurstLimit: '40',
          jwtAudience: 'portal, cli',
          corsOrigins: '["https://portal.example.com","http://localhost:5173"]',
          buildLogRetentionDays: '365',
          alarmTopicArn: '',
        })[key],
    );

    expect(s.api.throttleRateLimit).toBe(20);
    expect(s.api.throttleBurstLimit).toBe(40);
    expect(s.jwt.audience).toEqual(['portal', 'cli']);
    expect(s.api.corsOrigins).toEqual(['https://portal.example.com', 'http://localhost:5173']);
    expect(s.builds.logRetentionDays).toBe(365);
    expect(s.alarmTopicArn).toBeUndefined();
  });

  it('reads cdk.json values as they are (JSON numbers and arrays)', () => {
    const s = parseSettings({ jwtAudience: ['a', 'b'], buildTimeoutMinutes: 120, claimGroups: 'https://example.com/groups' });

    expect(s.jwt.audience).toEqual(['a', 'b']);
    expect(s.builds.timeoutMinutes).toBe(120);
    expect(s.claims.groups).toBe('https://example.com/groups');
  });

  it.each<[string, RawSettings]>([
    ['jwtIssuer', { jwtIssuer: 'http://auth.example.com/' }],
    ['jwtIssuer', { jwtIssuer: 'not a url' }],
    ['jwtAudience', { jwtAudience: [] }],
    ['jwtAudience', { jwtAudience: '' }],
    ['claimSub', { claimSub: '/realm_access//sub' }],
    ['claimGroups', { claimGroups: 'groups\n' }],
    ['claimAdminGroups', { claimAdminGroups: '/a~2' }],
    ['groupPrefix', { groupPrefix: 'x'.repeat(257) }],
    ['claimRoles', { claimRoles: '' }],
    ['systemAdminRole', { systemAdminRole: '' }],
    ['corsOrigins', { corsOrigins: '*' }],
    ['corsOrigins', { corsOrigins: ['https://portal.example.com/'] }],
    ['corsOrigins', { corsOrigins: ['http://portal.example.com'] }],
    ['throttleRateLimit', { throttleRateLimit: 'fast' }],
    ['throttleRateLimit', { throttleRateLimit: 0 }],
    ['throttleBurstLimit', { throttleBurstLimit: 1.5 }],
    ['throttleBurstLimit', { throttleRateLimit: 100, throttleBurstLimit: 10 }],
    ['accessLogRetentionDays', { accessLogRetentionDays: 10 }],
    ['functionLogRetentionDays', { functionLogRetentionDays: 9999 }],
    ['buildLogRetentionDays', { buildLogRetentionDays: 'forever' }],
    ['buildComputeType', { buildComputeType: 'BUILD_GENERAL1_HUGE' }],
    ['buildTimeoutMinutes', { buildTimeoutMinutes: 3 }],
    ['buildQueuedTimeoutMinutes', { buildQueuedTimeoutMinutes: 481 }],
    ['maxImagesPerGroup', { maxImagesPerGroup: -1 }],
    ['maxConcurrentBuildsPerGroup', { maxConcurrentBuildsPerGroup: 0 }],
    ['stuckBuildMinutes', { stuckBuildMinutes: 1 }],
    ['alarmTopicArn', { alarmTopicArn: 'my-topic' }],
    ['eventBusName', { eventBusName: 'bus with spaces' }],
    ['buildkitImage', { buildkitImage: 'moby/buildkit; rm -rf /' }],
    ['pullSecretKmsKeyArn', { pullSecretKmsKeyArn: 'alias/pull-secrets' }],
    ['stackName', { stackName: '1-starts-with-a-digit' }],
    // Platform settings (issue 16)
    ['account', { account: '12345' }],
    ['region', { region: 'Europe' }],
    ['tags', { tags: 'team' }],
    ['tags', { tags: { 'aws:owner': 'me' } }],
    ['tags', { tags: { team: 'a;b' } }],
    ['tags', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }],
    ['imagePullPrincipals', { imagePullPrincipals: 'eks-nodes' }],
    ['imagePullPrincipals', { imagePullPrincipals: ['arn:aws:iam::111122223333:policy/x'] }],
    ['imageRetentionDays', { imageRetentionDays: 0 }],
    ['domainName', { domainName: 'https://api.example.com/' }],
    ['domainName', { domainName: '*.example.com' }],
    ['certificateArn', { domainName: 'api.example.com', certificateArn: 'cert-1' }],
    ['certificateArn', { domainName: 'api.example.com' }],
    ['domainName', { certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' }],
    [
      'certificateArn',
      {
        region: 'us-west-2',
        domainName: 'api.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      },
    ],
    ['webAclArn', { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/portal/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' }],
    ['buildVpcId', { buildVpcId: 'my-vpc', buildSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] }],
    ['buildVpcId', { buildSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] }],
    ['buildSubnetIds', { buildVpcId: 'vpc-0123456789abcdef0' }],
    ['buildSubnetIds', { buildVpcId: 'vpc-0123456789abcdef0', buildSubnetIds: 'subnet-1;rm' }],
    ['buildSecurityGroupIds', { buildVpcId: 'vpc-0123456789abcdef0', buildSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'], buildSecurityGroupIds: 'default' }],
    ['maxConcurrentBuilds', { maxConcurrentBuilds: 0 }],
    ['maxConcurrentBuilds', { maxConcurrentBuilds: 'many' }],
  ])('refuses a bad %s and names it', (key, raw) => {
    const message = settingsError(raw);

    expect(message).toMatch(new RegExp(`^  - ${key}: `, 'm'));
    expect(message).toContain('cdk.json');
  });

  it('reads the platform settings (issue 16) from `-c key=value` strings', () => {
    const s = readSettings(
      (key) =>
        ({
          account: '123456789012',
          region: 'eu-west-1',
          tags: 'team=ml-platform, cost-center=4711',
          imagePullPrincipals: 'arn:aws:iam::111122223333:role/eks-nodes,444455556666',
          imageRetentionDays: '30',
          domainName: 'images-api.example.com',
          certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
          buildVpcId: 'vpc-0123456789abcdef0',
          buildSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
          maxConcurrentBuilds: '6',
        })[key],
    );

    expect(s.platform).toEqual({
      env: { account: '123456789012', region: 'eu-west-1' },
      tags: { team: 'ml-platform', 'cost-center': '4711' },
      imagePullPrincipals: ['arn:aws:iam::111122223333:role/eks-nodes', '444455556666'],
      imageRetentionDays: 30,
      customDomain: {
        domainName: 'images-api.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
      },
      buildNetwork: { vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], securityGroupIds: [] },
      maxConcurrentBuilds: 6,
    });
    expect(readSettings((key) => (key === 'tags' ? '{"team":"ml"}' : undefined)).platform.tags).toEqual({ team: 'ml' });
  });

  it('refuses webAclArn saying why (HTTP APIs take no WAF) and what to do instead', () => {
    const message = settingsError({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/portal/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' });

    expect(message).toContain('webAclArn: API Gateway HTTP APIs cannot be associated with AWS WAF');
    expect(message).toContain('CloudFront');
  });

  it.each<[string, string]>([
    ['jwtIsuer', 'jwtIssuer'],
    ['corsOrigin', 'corsOrigins'],
    ['jwt_issuer', 'jwtIssuer'],
    ['JWTISSUER', 'jwtIssuer'],
    ['jwt-issuer', 'jwtIssuer'],
    ['imagePullPrincipal', 'imagePullPrincipals'],
    ['maxConcurentBuilds', 'maxConcurrentBuilds'],
  ])('refuses the unknown context key %s, suggesting %s', (key, suggestion) => {
    const message = settingsError({ [key]: 'x' } as RawSettings);

    expect(message).toContain(`  - ${key}: is not a setting: did you mean ${suggestion}?`);
  });

  it("refuses an unknown key unlike any setting without a wrong suggestion, and ignores CDK's own context keys", () => {
    expect(settingsError({ frobnicate: 'x' } as RawSettings)).toContain('  - frobnicate: is not a setting (the settings are listed in README.md');
    // Every key the CDK itself puts in the context (cdk.json's feature flags, the CLI's, lookups).
    const cdkKeys = [
      ...Object.keys(CDK_JSON_CONTEXT),
      'aws:cdk:bundling-stacks',
      'aws:cdk:enable-path-metadata',
      'aws:cdk:version-reporting',
      'availability-zones:account=123456789012:region=eu-west-1',
      'acknowledged-issue-numbers',
      'cdk-version',
    ];
    expect(() => readSettings(() => undefined, cdkKeys)).not.toThrow();
  });

  it('knows every setting of the schema, also those added later (the check derives them from it)', () => {
    expect(() => readSettings(() => undefined, SETTING_KEYS)).not.toThrow();
  });

  it('names every bad setting at once, with what it got', () => {
    const message = settingsError({ throttleRateLimit: 'fast', buildComputeType: 'HUGE' });

    expect(message).toContain('throttleRateLimit: expected a whole number, got "fast"');
    expect(message).toContain('buildComputeType: expected one of BUILD_GENERAL1_SMALL');
    expect(message).toContain('got "HUGE"');
  });

  it('takes package mirrors as plain http(s) URLs, refusing credentials and characters the template could misread', () => {
    expect(parseSettings({ pipIndexUrl: 'https://nexus.example.com/repository/pypi/simple/' }).builds.mirrors).toEqual(
      expect.objectContaining({ pipIndexUrl: 'https://nexus.example.com/repository/pypi/simple/' }),
    );
    expect(settingsError({ pipIndexUrl: 'https://aws:token@example.codeartifact.eu-west-1.amazonaws.com/pypi/r/simple/' })).toContain(
      'pipIndexUrl: expected a URL without credentials',
    );
    expect(settingsError({ aptMirror: 'http://apt.example.com/#$(reboot)' })).toContain('aptMirror: expected an http(s) URL');
    expect(settingsError({ condaChannelAlias: 'ftp://conda.example.com' })).toContain('condaChannelAlias: expected an http(s) URL');
  });

  it('fails `cdk synth` (bin/app.ts) with the message, before building anything', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'gi-synth-'));
    try {
      const result = await run(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ throttleBurstLimit: 'lots' }) },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('throttleBurstLimit: expected a whole number, got "lots"');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
