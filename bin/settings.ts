/**
 * Deployment settings: CDK context keys (`cdk.json` "context", or `-c key=value`), each with a
 * default so `cdk synth` works offline, validated with zod. A bad value fails synth with a message
 * that names the setting, says what it expects and what it got.
 */
import * as z from 'zod';
import {
  claimSettingProblem,
  DEFAULT_CLAIMS,
  DEFAULT_IMAGE_RETENTION_DAYS,
  DEFAULT_LIMITS,
  DEFAULT_STUCK_BUILD_MINUTES,
  DEFAULT_SYSTEM_ADMIN_ROLE,
  type ClaimSetting,
} from '../lambdas/config.ts';
import { BUILD_COMPUTE_TYPES, type DeploymentSettings, type PlatformSettings } from '../lib/settings.ts';
import { unknownSettings } from './unknown-settings.ts';
import { checkBaseImageMirrors } from '../lambdas/builds/base-image-mirrors.ts';
import { PULL_THROUGH_SECRET_PREFIX, PULL_THROUGH_UPSTREAMS, PULL_THROUGH_UPSTREAM_NAMES } from '../lib/pull-through-caches.ts';
import { mirrorUrlProblem } from '../lambdas/builds/package-mirrors.ts';

/** The issuer default is a placeholder so that synth works offline; a real deployment must set it. */
export const PLACEHOLDER_ISSUER = 'https://auth.example.com/';

/** CloudWatch Logs' accepted retention periods (days); "never expire" is deliberately not offered. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** `-c key=value` gives strings; cdk.json gives JSON values. Lists accept a JSON array or "a,b,c". */
function list(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return raw;
    }
  }
  return text === '' ? [] : text.split(',').map((s) => s.trim());
}

const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`)
    .default(fallback);

const retention = (fallback: (typeof RETENTION_DAYS)[number]) =>
  z.coerce
    .number()
    .refine((n) => (RETENTION_DAYS as readonly number[]).includes(n), `expected one of CloudWatch Logs' retention periods: ${RETENTION_DAYS.join(', ')}`)
    .default(fallback);

/** A claim mapping setting (lambdas/config.ts has the rule the functions and `npm start` apply too). */
const claimSetting = (setting: ClaimSetting, fallback: string) =>
  z
    .string({ error: 'expected text' })
    .check((ctx) => {
      const problem = claimSettingProblem(setting, ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
    })
    .default(fallback);

/** An optional setting: absent, or given as an empty string, means "not set". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** A package mirror URL (lambdas/builds/package-mirrors.ts says what is accepted and why). */
const mirrorUrl = optional(
  z.string().check((ctx) => {
    const problem = mirrorUrlProblem(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
  }),
);

const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https URL' });

/** A browser origin: scheme, host and optional port, nothing else (no path, no wildcard). */
const origin = z.string().refine((value) => {
  try {
    const u = new URL(value);
    const local = u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
    return (u.protocol === 'https:' || local) && u.origin === value;
  } catch {
    return false;
  }
}, 'expected an origin like https://portal.example.com (https, no path, no trailing slash; http only for localhost)');

// --- Base images: mirrors and ECR pull-through caches (README "Base images and Docker Hub limits") ---

/** `-c key={"a":"b"}` gives the JSON text; cdk.json gives the object. Bad JSON is left for the schema to refuse. */
function jsonObject(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const baseImageMirrors = z
  .unknown()
  .optional()
  .transform((raw, ctx) => {
    const { mirrors, problems } = checkBaseImageMirrors(raw);
    for (const message of problems) ctx.issues.push({ code: 'custom', input: raw, message });
    return mirrors;
  });

const upstreamNames = `one of ${PULL_THROUGH_UPSTREAM_NAMES.join(', ')}`;
const pullThroughCaches = z.preprocess(list, z.array(z.enum(PULL_THROUGH_UPSTREAM_NAMES, { error: `expected ${upstreamNames}` }))).default([]);

const PULL_THROUGH_SECRET_ARN = new RegExp(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:${PULL_THROUGH_SECRET_PREFIX}[A-Za-z0-9/_+=.@-]+$`);
const pullThroughCacheCredentials = z
  .preprocess(
    jsonObject,
    z.partialRecord(
      z.enum(PULL_THROUGH_UPSTREAM_NAMES, { error: `expected keys that are ${upstreamNames}` }),
      z
        .string()
        .regex(
          PULL_THROUGH_SECRET_ARN,
          `expected the ARN of a Secrets Manager secret whose name starts with ${PULL_THROUGH_SECRET_PREFIX} (ECR requires that prefix)`,
        ),
      {
        error:
          'expected a JSON object from upstream to secret ARN, like {"docker-hub": "arn:aws:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/docker-hub-AbCdEf"}',
      },
    ),
  )
  .default({});

type Issues = { issues: { code: 'custom'; input: unknown; path: PropertyKey[]; message: string }[] };

/** What the three settings must agree on: credentials where ECR needs them, one mirror per registry. */
function checkBaseImages(
  s: {
    baseImageMirrors: Record<string, string>;
    pullThroughCaches: (keyof typeof PULL_THROUGH_UPSTREAMS)[];
    pullThroughCacheCredentials: Partial<Record<keyof typeof PULL_THROUGH_UPSTREAMS, string>>;
  },
  ctx: Issues,
) {
  const issue = (key: string, message: string, input: unknown) => ctx.issues.push({ code: 'custom', input, path: [key], message });
  const enabled = new Set(s.pullThroughCaches);
  if (enabled.size !== s.pullThroughCaches.length) issue('pullThroughCaches', 'expected each upstream at most once', s.pullThroughCaches);
  for (const upstream of enabled) {
    const { credential, registry } = PULL_THROUGH_UPSTREAMS[upstream];
    if (credential === 'required' && !s.pullThroughCacheCredentials[upstream]) {
      issue(
        'pullThroughCacheCredentials',
        `ECR needs a credential for the ${upstream} cache: the ARN of a Secrets Manager secret named ${PULL_THROUGH_SECRET_PREFIX}... holding {"username", "accessToken"}`,
        s.pullThroughCacheCredentials,
      );
    }
    if (s.baseImageMirrors[registry] !== undefined) {
      issue('baseImageMirrors', `${registry} is already mirrored by the ${upstream} pull-through cache: keep one of them`, s.baseImageMirrors);
    }
  }
  for (const upstream of Object.keys(s.pullThroughCacheCredentials) as (keyof typeof PULL_THROUGH_UPSTREAMS)[]) {
    if (!enabled.has(upstream))
      issue('pullThroughCacheCredentials', `${upstream} has a credential but is not in pullThroughCaches`, s.pullThroughCacheCredentials);
    else if (PULL_THROUGH_UPSTREAMS[upstream].credential === 'none')
      issue('pullThroughCacheCredentials', `the ${upstream} cache takes no credential`, s.pullThroughCacheCredentials);
  }
}

// --- Platform settings (issue 16): account, tags, pull access, retirement, domain, WAF, network, build cap. ---

/** `-c tags=team=ml,cost-center=42` or a JSON object (cdk.json, or `-c 'tags={"team":"ml"}'`). */
function tagMap(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      return raw;
    }
  }
  if (text === '') return {};
  const pairs = text.split(',').map((pair) => pair.split('='));
  if (pairs.some((p) => p.length !== 2)) return raw;
  return Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.trim()]));
}

/** AWS's tag rules: at most 50, keys 1-128 and values 0-256 of letters, digits, spaces and _ . : / = + - @, no `aws:` prefix. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tags = z
  .preprocess(
    tagMap,
    z.record(
      z
        .string()
        .min(1, 'expected tag keys of 1 to 128 characters')
        .max(128, 'expected tag keys of 1 to 128 characters')
        .regex(TAG_TEXT, 'expected tag keys of letters, digits, spaces and _ . : / = + - @')
        .refine((k) => !k.toLowerCase().startsWith('aws:'), 'expected no tag key starting with "aws:" (reserved by AWS)'),
      z
        .string({ error: 'expected an object of tag keys to string values, or key=value,key=value' })
        .max(256, 'expected tag values of at most 256 characters')
        .regex(TAG_TEXT, 'expected tag values of letters, digits, spaces and _ . : / = + - @'),
      { error: 'expected an object of tag keys to string values, or key=value,key=value' },
    ),
  )
  .refine((t) => Object.keys(t as object).length <= 50, 'expected at most 50 tags')
  .default({});

const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const imagePullPrincipal = z
  .string()
  .refine(
    (p) => ACCOUNT_ID.test(p) || PRINCIPAL_ARN.test(p),
    'expected an IAM role or user ARN (arn:aws:iam::123456789012:role/eks-nodes) or a 12-digit account id',
  );

/** A DNS name API Gateway can serve: lowercase labels, at least two, no wildcard. */
const domainName = z
  .string()
  .regex(
    /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'expected a lowercase DNS name like images-api.example.com (no wildcard, no trailing dot)',
  );
const certificateArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
    'expected an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)',
  );

export const WEB_ACL_REFUSAL =
  'API Gateway HTTP APIs cannot be associated with AWS WAF (only REST APIs, CloudFront, ALB and a few others can). ' +
  'Put a CloudFront distribution with this web ACL (scope CLOUDFRONT, created in us-east-1) in front of the API instead: README, "WAF"';

const platformSettingsShape = {
  account: optional(z.string().regex(ACCOUNT_ID, 'expected a 12-digit AWS account id')),
  region: optional(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like eu-west-1')),
  tags,
  imagePullPrincipals: z.preprocess(list, z.array(imagePullPrincipal)).default([]),
  imageRetentionDays: int(1, 3650, DEFAULT_IMAGE_RETENTION_DAYS),
  domainName: optional(domainName),
  certificateArn: optional(certificateArn),
  // Kept as a setting so that it is refused with the reason, not as an unknown key.
  webAclArn: optional(z.string().refine(() => false, WEB_ACL_REFUSAL)),
  buildVpcId: optional(z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id like vpc-0123456789abcdef0')),
  buildSubnetIds: z.preprocess(list, z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'expected subnet ids like subnet-0123456789abcdef0'))).default([]),
  buildSecurityGroupIds: z
    .preprocess(
      list,
      z
        .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'expected security group ids like sg-0123456789abcdef0'))
        .max(5, "expected at most 5 security groups (CodeBuild's limit)"),
    )
    .default([]),
  maxConcurrentBuilds: optional(
    z.coerce.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'expected at least 1').max(10_000, 'expected at most 10000'),
  ),
};

type PlatformInput = z.output<z.ZodObject<typeof platformSettingsShape>>;

/** Settings that only make sense together. */
function checkPlatformSettings(s: PlatformInput, issue: (key: string, input: unknown, message: string) => void) {
  if (Boolean(s.domainName) !== Boolean(s.certificateArn)) {
    const missing = s.domainName ? 'certificateArn' : 'domainName';
    issue(missing, undefined, `expected together with ${missing === 'certificateArn' ? 'domainName' : 'certificateArn'} (a custom domain needs both)`);
  }
  if (s.certificateArn && s.region && s.certificateArn.split(':')[3] !== s.region) {
    issue('certificateArn', s.certificateArn, `expected a certificate in the stacks' region ${s.region} (the API's domain is regional)`);
  }
  if (s.buildVpcId && s.buildSubnetIds.length === 0) issue('buildSubnetIds', s.buildSubnetIds, 'expected at least one private subnet of buildVpcId');
  if (!s.buildVpcId && s.buildSubnetIds.length > 0) issue('buildVpcId', undefined, 'expected the VPC of buildSubnetIds');
  if (!s.buildVpcId && s.buildSecurityGroupIds.length > 0) issue('buildVpcId', undefined, 'expected the VPC of buildSecurityGroupIds');
}

function platformSettingsOf(s: PlatformInput): PlatformSettings {
  return {
    env: { ...(s.account ? { account: s.account } : {}), ...(s.region ? { region: s.region } : {}) },
    tags: s.tags as Record<string, string>,
    imagePullPrincipals: s.imagePullPrincipals,
    imageRetentionDays: s.imageRetentionDays,
    customDomain: s.domainName && s.certificateArn ? { domainName: s.domainName, certificateArn: s.certificateArn } : undefined,
    buildNetwork: s.buildVpcId ? { vpcId: s.buildVpcId, subnetIds: s.buildSubnetIds, securityGroupIds: s.buildSecurityGroupIds } : undefined,
    maxConcurrentBuilds: s.maxConcurrentBuilds,
  };
}
// --- end of platform settings ---

export const settingsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/, 'expected a CloudFormation stack name prefix: a letter, then letters, digits and "-"')
      .default('GroupImages'),
    jwtIssuer: httpsUrl.default(PLACEHOLDER_ISSUER),
    jwtAudience: z
      .preprocess(list, z.array(z.string().min(1, 'expected non-empty audience values')).min(1, 'expected at least one audience'))
      .default(['group-images']),
    claimSub: claimSetting('claimSub', DEFAULT_CLAIMS.sub),
    claimGroups: claimSetting('claimGroups', DEFAULT_CLAIMS.groups),
    /** Empty: the identity provider has no admin-groups claim. */
    claimAdminGroups: claimSetting('claimAdminGroups', DEFAULT_CLAIMS.adminGroups),
    claimRoles: claimSetting('claimRoles', DEFAULT_CLAIMS.roles),
    groupPrefix: claimSetting('groupPrefix', ''),
    adminGroupSuffix: claimSetting('adminGroupSuffix', ''),
    systemAdminRole: claimSetting('systemAdminRole', DEFAULT_SYSTEM_ADMIN_ROLE),
    corsOrigins: z.preprocess(list, z.array(origin)).default([]),
    throttleRateLimit: int(1, 10_000, 50),
    throttleBurstLimit: int(1, 5_000, 100),
    accessLogRetentionDays: retention(90),
    functionLogRetentionDays: retention(30),
    buildLogRetentionDays: retention(90),
    buildComputeType: z.enum(BUILD_COMPUTE_TYPES, { error: `expected one of ${BUILD_COMPUTE_TYPES.join(', ')}` }).default('BUILD_GENERAL1_MEDIUM'),
    buildTimeoutMinutes: int(5, 2160, 60),
    buildQueuedTimeoutMinutes: int(5, 480, 30),
    maxImagesPerGroup: int(1, 100_000, DEFAULT_LIMITS.maxImagesPerGroup),
    maxConcurrentBuildsPerGroup: int(1, 100, DEFAULT_LIMITS.maxConcurrentBuildsPerGroup),
    stuckBuildMinutes: int(5, 24 * 60, DEFAULT_STUCK_BUILD_MINUTES),
    buildkitImage: optional(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$/, 'expected an image reference like public.ecr.aws/example/buildkit:v0.23.0'),
    ),
    alarmTopicArn: optional(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'expected an SNS topic ARN')),
    eventBusName: optional(
      z
        .string()
        .regex(
          /^([A-Za-z0-9._\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256})$/,
          'expected an EventBridge bus name or ARN',
        ),
    ),
    // Package mirrors for every build (issue 14): platform settings, never a build spec's.
    pipIndexUrl: mirrorUrl,
    condaChannelAlias: mirrorUrl,
    aptMirror: mirrorUrl,
    pullSecretKmsKeyArn: optional(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/,
          'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)',
        ),
    ),
    baseImageMirrors,
    pullThroughCaches,
    pullThroughCacheCredentials,
    ...platformSettingsShape,
  })
  .check((ctx) => {
    const s = ctx.value;
    if (s.throttleBurstLimit < s.throttleRateLimit) {
      ctx.issues.push({
        code: 'custom',
        input: s.throttleBurstLimit,
        path: ['throttleBurstLimit'],
        message: `expected at least throttleRateLimit (${s.throttleRateLimit})`,
      });
    }
    checkPlatformSettings(s, (key, input, message) => ctx.issues.push({ code: 'custom', input, path: [key], message }));
  })
  .check((ctx) => checkBaseImages(ctx.value, ctx as unknown as Issues));

export type RawSettings = Partial<Record<keyof z.input<typeof settingsSchema>, unknown>>;
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof typeof settingsSchema.shape)[];

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

/**
 * Validates raw settings; throws a SettingsError naming every bad setting, and every context key
 * (`contextKeys`, when given) that looks like a setting but is none, with the closest known one.
 */
export function parseSettings(raw: RawSettings, contextKeys: readonly string[] = Object.keys(raw)): DeploymentSettings {
  const result = settingsSchema.safeParse(raw);
  const unknown = unknownSettings(contextKeys, SETTING_KEYS).map(({ key, message }) => `  - ${key}: ${message}`);
  if (!result.success || unknown.length) {
    const lines = (result.error?.issues ?? []).map((issue) => {
      const [key = '(settings)', ...within] = issue.path.map(String);
      const got = (raw as Record<string, unknown>)[key];
      const where = within.length ? ` (entry ${within.join('.')})` : '';
      return `  - ${key}: ${issue.message}${where}, got ${show(got)}`;
    });
    throw new SettingsError(
      `Invalid deployment settings (CDK context; set them in cdk.json "context" or with -c key=value):\n${[...unknown, ...lines].join('\n')}`,
    );
  }
  const s = result.data!;
  return {
    stackName: s.stackName,
    jwt: { issuer: s.jwtIssuer, audience: s.jwtAudience },
    claims: {
      sub: s.claimSub,
      groups: s.claimGroups,
      adminGroups: s.claimAdminGroups,
      roles: s.claimRoles,
      systemAdminRole: s.systemAdminRole,
      groupPrefix: s.groupPrefix,
      adminGroupSuffix: s.adminGroupSuffix,
    },
    api: {
      corsOrigins: s.corsOrigins,
      throttleRateLimit: s.throttleRateLimit,
      throttleBurstLimit: s.throttleBurstLimit,
      accessLogRetentionDays: s.accessLogRetentionDays,
    },
    builds: {
      computeType: s.buildComputeType,
      timeoutMinutes: s.buildTimeoutMinutes,
      queuedTimeoutMinutes: s.buildQueuedTimeoutMinutes,
      logRetentionDays: s.buildLogRetentionDays,
      stuckBuildMinutes: s.stuckBuildMinutes,
      buildkitImage: s.buildkitImage,
      mirrors:
        s.pipIndexUrl || s.condaChannelAlias || s.aptMirror
          ? { pipIndexUrl: s.pipIndexUrl, condaChannelAlias: s.condaChannelAlias, aptMirror: s.aptMirror }
          : undefined,
    },
    limits: { maxImagesPerGroup: s.maxImagesPerGroup, maxConcurrentBuildsPerGroup: s.maxConcurrentBuildsPerGroup },
    baseImages: {
      mirrors: s.baseImageMirrors,
      pullThroughCaches: s.pullThroughCaches.map((upstream) => ({ upstream, credentialArn: s.pullThroughCacheCredentials[upstream] })),
    },
    functionLogRetentionDays: s.functionLogRetentionDays,
    alarmTopicArn: s.alarmTopicArn,
    eventBusName: s.eventBusName,
    pullSecretKmsKeyArn: s.pullSecretKmsKeyArn,
    platform: platformSettingsOf(s),
  };
}

/**
 * Reads every setting from the CDK context (the only place that does). `contextKeys` are all the keys
 * the context holds (`app.node.getAllContext()`), so that a mistyped one is refused.
 */
export function readSettings(tryGetContext: (key: string) => unknown, contextKeys: readonly string[] = []): DeploymentSettings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) raw[key] = tryGetContext(key);
  return parseSettings(raw, contextKeys);
}
