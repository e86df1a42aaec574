import { claimPathProblem } from './http/claim-path.ts';

/**
 * The runtime settings every function reads from its environment. CDK sets exactly these variables
 * (it imports ENV from here), the local server sets them for itself, so the names live in one place.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  claimSub: 'CLAIM_SUB',
  claimGroups: 'CLAIM_GROUPS',
  claimAdminGroups: 'CLAIM_ADMIN_GROUPS',
  claimRoles: 'CLAIM_ROLES',
  systemAdminRole: 'SYSTEM_ADMIN_ROLE',
  /** Only group values starting with it count, with it removed (Keycloak's "/team-a": "/"). */
  groupPrefix: 'GROUP_PREFIX',
  /** Membership of `<group><suffix>` makes an admin of `<group>` (Cognito's "team-a-admins": "-admins"). */
  adminGroupSuffix: 'ADMIN_GROUP_SUFFIX',
  /** HMAC key that makes list cursors tamper-evident. */
  cursorKey: 'CURSOR_KEY',
  buildProjectName: 'BUILD_PROJECT_NAME',
  imageRepositoryUri: 'IMAGE_REPOSITORY_URI',
  cacheRepositoryUri: 'CACHE_REPOSITORY_URI',
  buildLogGroup: 'BUILD_LOG_GROUP',
  secretPrefix: 'SECRET_PREFIX',
  /** Optional customer-managed KMS key for pull secrets (default: the account's aws/secretsmanager key). */
  secretsKmsKeyId: 'SECRETS_KMS_KEY_ID',
  maxImagesPerGroup: 'MAX_IMAGES_PER_GROUP',
  maxConcurrentBuildsPerGroup: 'MAX_CONCURRENT_BUILDS_PER_GROUP',
  /** Builds still queued or building after this many minutes are asked about by the reconciler. */
  stuckBuildMinutes: 'STUCK_BUILD_MINUTES',
  eventBusName: 'EVENT_BUS_NAME',
  /** JSON object: registry host -> mirror prefix that builds pull base images through (lambdas/builds/base-image-mirrors.ts). */
  baseImageMirrors: 'BASE_IMAGE_MIRRORS',
  /** The deployment's stackName setting: build outcome events carry it as detail.stackName. */
  stackName: 'STACK_NAME',
  /** Days a built image nothing points at is kept before image retirement deletes it. */
  imageRetentionDays: 'IMAGE_RETENTION_DAYS',
} as const;

export const DEFAULT_IMAGE_RETENTION_DAYS = 14;

export const DEFAULT_CLAIMS = { sub: 'sub', groups: 'groups', adminGroups: 'admin_groups', roles: 'roles' } as const;
export const DEFAULT_SYSTEM_ADMIN_ROLE = 'system-admin';

/** Per-group limits when the deployment does not set them. */
export const DEFAULT_LIMITS = { maxImagesPerGroup: 200, maxConcurrentBuildsPerGroup: 3 } as const;

/** Builds unfinished this long are looked up by the reconciler. */
export const DEFAULT_STUCK_BUILD_MINUTES = 15;

/**
 * How the caller is read from the token's claims. Claim settings are a top-level claim name (any
 * characters) or a JSON Pointer for a nested claim (lambdas/http/claim-path.ts).
 */
export interface ClaimNames {
  sub: string;
  groups: string;
  /** '' when the identity provider has no admin-groups claim. */
  adminGroups: string;
  roles: string;
  systemAdminRole: string;
  /** '' (or absent): every group value counts as it is. */
  groupPrefix?: string;
  /** '' (or absent): no group value makes an admin. */
  adminGroupSuffix?: string;
}

/** The claim mapping's settings, by their deployment (CDK context) names; ENV has the same keys. */
export const CLAIM_SETTINGS = ['claimSub', 'claimGroups', 'claimAdminGroups', 'claimRoles', 'groupPrefix', 'adminGroupSuffix', 'systemAdminRole'] as const;
export type ClaimSetting = (typeof CLAIM_SETTINGS)[number];

const CLAIM_SETTING_MAX = 256;

/**
 * Why a claim mapping setting's value is wrong, or undefined when it is fine. The one rule for
 * `cdk synth` (bin/settings.ts), `npm start` and the functions' cold start.
 */
export function claimSettingProblem(setting: ClaimSetting, value: string): string | undefined {
  if (value.length > CLAIM_SETTING_MAX) return `expected at most ${CLAIM_SETTING_MAX} characters`;
  if (/\p{Cc}/u.test(value)) return 'expected no control characters (tabs, newlines, ...)';
  switch (setting) {
    case 'claimAdminGroups':
      return value === '' ? undefined : claimPathProblem(value);
    case 'claimSub':
    case 'claimGroups':
    case 'claimRoles':
      return claimPathProblem(value);
    case 'systemAdminRole':
      return value === '' ? 'expected a non-empty role name' : undefined;
    case 'groupPrefix':
    case 'adminGroupSuffix':
      return undefined;
  }
}

type Env = Record<string, string | undefined>;

export function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * The claim mapping from the environment. An unset (or empty) CLAIM_SUB, CLAIM_GROUPS, CLAIM_ROLES or
 * SYSTEM_ADMIN_ROLE takes the default; CLAIM_ADMIN_GROUPS set to empty means "no such claim". A bad
 * value throws, naming the variable.
 */
export function claimNamesFrom(env: Env): ClaimNames {
  const value = (setting: ClaimSetting, fallback: string, emptyIsFallback: boolean) => {
    const raw = env[ENV[setting]];
    const chosen = raw === undefined || (raw === '' && emptyIsFallback) ? fallback : raw;
    const problem = claimSettingProblem(setting, chosen);
    if (problem) throw new Error(`environment variable ${ENV[setting]}: ${problem}, got ${JSON.stringify(raw)}`);
    return chosen;
  };
  return {
    sub: value('claimSub', DEFAULT_CLAIMS.sub, true),
    groups: value('claimGroups', DEFAULT_CLAIMS.groups, true),
    adminGroups: value('claimAdminGroups', DEFAULT_CLAIMS.adminGroups, false),
    roles: value('claimRoles', DEFAULT_CLAIMS.roles, true),
    systemAdminRole: value('systemAdminRole', DEFAULT_SYSTEM_ADMIN_ROLE, true),
    groupPrefix: value('groupPrefix', '', false),
    adminGroupSuffix: value('adminGroupSuffix', '', false),
  };
}

export function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return n;
}
