/**
 * Deployment settings: CDK context keys (`cdk.json` "context", or `-c key=value`), each with a
 * default so `cdk synth` works offline, validated with zod. A bad value fails synth with a message
 * that names the setting, says what it expects and what it got.
 */
import * as z from 'zod';
import { claimSettingProblem, DEFAULT_CLAIMS, DEFAULT_LIMITS, DEFAULT_STUCK_BUILD_MINUTES, DEFAULT_SYSTEM_ADMIN_ROLE, type ClaimSetting } from '../lambdas/config.ts';
import { BUILD_COMPUTE_TYPES, type DeploymentSettings } from '../lib/settings.ts';
import { checkBaseImageMirrors } from '../lambdas/builds/base-image-mirrors.ts';
import { PULL_THROUGH_SECRET_PREFIX, PULL_THROUGH_UPSTREAMS, PULL_THROUGH_UPSTREAM_NAMES } from '../lib/pull-through-caches.ts';
import { mirrorUrlProblem } from '../lambdas/builds/package-mirrors.ts';

/** The issuer default is a placeholder so that synth works offline; a real deployment must set it. */
export const PLACEHOLDER_ISSUER = 'https://auth.example.com/';

/** CloudWatch Logs' accepted retention periods (days); "never expire" is deliberately not offered. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

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
const mirrorUrl = optional(z.string().check((ctx) => {
  const problem = mirrorUrlProblem(ctx.value);
  if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
}));

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

const baseImageMirrors = z.unknown().optional().transform((raw, ctx) => {
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
      z.string().regex(PULL_THROUGH_SECRET_ARN, `expected the ARN of a Secrets Manager secret whose name starts with ${PULL_THROUGH_SECRET_PREFIX} (ECR requires that prefix)`),
      { error: 'expected a JSON object from upstream to secret ARN, like {"docker-hub": "arn:aws:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/docker-hub-AbCdEf"}' },
    ),
  )
  .default({});

type Issues = { issues: { code: 'custom'; input: unknown; path: PropertyKey[]; message: string }[] };

/** What the three settings must agree on: credentials where ECR needs them, one mirror per registry. */
function checkBaseImages(
  s: { baseImageMirrors: Record<string, string>; pullThroughCaches: (keyof typeof PULL_THROUGH_UPSTREAMS)[]; pullThroughCacheCredentials: Partial<Record<keyof typeof PULL_THROUGH_UPSTREAMS, string>> },
  ctx: Issues,
) {
  const issue = (key: string, message: string, input: unknown) => ctx.issues.push({ code: 'custom', input, path: [key], message });
  const enabled = new Set(s.pullThroughCaches);
  if (enabled.size !== s.pullThroughCaches.length) issue('pullThroughCaches', 'expected each upstream at most once', s.pullThroughCaches);
  for (const upstream of enabled) {
    const { credential, registry } = PULL_THROUGH_UPSTREAMS[upstream];
    if (credential === 'required' && !s.pullThroughCacheCredentials[upstream]) {
      issue('pullThroughCacheCredentials', `ECR needs a credential for the ${upstream} cache: the ARN of a Secrets Manager secret named ${PULL_THROUGH_SECRET_PREFIX}... holding {"username", "accessToken"}`, s.pullThroughCacheCredentials);
    }
    if (s.baseImageMirrors[registry] !== undefined) {
      issue('baseImageMirrors', `${registry} is already mirrored by the ${upstream} pull-through cache: keep one of them`, s.baseImageMirrors);
    }
  }
  for (const upstream of Object.keys(s.pullThroughCacheCredentials) as (keyof typeof PULL_THROUGH_UPSTREAMS)[]) {
    if (!enabled.has(upstream)) issue('pullThroughCacheCredentials', `${upstream} has a credential but is not in pullThroughCaches`, s.pullThroughCacheCredentials);
    else if (PULL_THROUGH_UPSTREAMS[upstream].credential === 'none') issue('pullThroughCacheCredentials', `the ${upstream} cache takes no credential`, s.pullThroughCacheCredentials);
  }
}

export const settingsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,100}$/, 'expected a CloudFormation stack name prefix: a letter, then letters, digits and "-"')
      .default('GroupImages'),
    jwtIssuer: httpsUrl.default(PLACEHOLDER_ISSUER),
    jwtAudience: z.preprocess(list, z.array(z.string().min(1, 'expected non-empty audience values')).min(1, 'expected at least one audience')).default(['group-images']),
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
    alarmTopicArn: optional(z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'expected an SNS topic ARN')),
    eventBusName: optional(z
      .string()
      .regex(/^([A-Za-z0-9._\-/]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256})$/, 'expected an EventBridge bus name or ARN')),
    // Package mirrors for every build (issue 14): platform settings, never a build spec's.
    pipIndexUrl: mirrorUrl,
    condaChannelAlias: mirrorUrl,
    aptMirror: mirrorUrl,
    pullSecretKmsKeyArn: optional(
      z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/, 'expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)'),
    ),
    baseImageMirrors,
    pullThroughCaches,
    pullThroughCacheCredentials,
  })
  .check((ctx) => {
    const s = ctx.value;
    if (s.throttleBurstLimit < s.throttleRateLimit) {
      ctx.issues.push({ code: 'custom', input: s.throttleBurstLimit, path: ['throttleBurstLimit'], message: `expected at least throttleRateLimit (${s.throttleRateLimit})` });
    }
  })
  .check((ctx) => checkBaseImages(ctx.value, ctx as unknown as Issues));

export type RawSettings = Partial<Record<keyof z.input<typeof settingsSchema>, unknown>>;
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof typeof settingsSchema.shape)[];

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

/** Validates raw settings; throws a SettingsError naming every bad setting. */
export function parseSettings(raw: RawSettings): DeploymentSettings {
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const [key = '(settings)', ...within] = issue.path.map(String);
      const got = (raw as Record<string, unknown>)[key];
      const where = within.length ? ` (entry ${within.join('.')})` : '';
      return `  - ${key}: ${issue.message}${where}, got ${show(got)}`;
    });
    throw new SettingsError(
      `Invalid deployment settings (CDK context; set them in cdk.json "context" or with -c key=value):\n${lines.join('\n')}`,
    );
  }
  const s = result.data;
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
      mirrors: s.pipIndexUrl || s.condaChannelAlias || s.aptMirror ? { pipIndexUrl: s.pipIndexUrl, condaChannelAlias: s.condaChannelAlias, aptMirror: s.aptMirror } : undefined,
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
  };
}

/** Reads every setting from the CDK context (the only place that does). */
export function readSettings(tryGetContext: (key: string) => unknown): DeploymentSettings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) raw[key] = tryGetContext(key);
  return parseSettings(raw);
}
