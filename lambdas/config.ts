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

export interface ClaimNames {
  sub: string;
  groups: string;
  adminGroups: string;
  roles: string;
  systemAdminRole: string;
}

type Env = Record<string, string | undefined>;

export function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function claimNamesFrom(env: Env): ClaimNames {
  return {
    sub: env[ENV.claimSub] || DEFAULT_CLAIMS.sub,
    groups: env[ENV.claimGroups] || DEFAULT_CLAIMS.groups,
    adminGroups: env[ENV.claimAdminGroups] || DEFAULT_CLAIMS.adminGroups,
    roles: env[ENV.claimRoles] || DEFAULT_CLAIMS.roles,
    systemAdminRole: env[ENV.systemAdminRole] || DEFAULT_SYSTEM_ADMIN_ROLE,
  };
}

export function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
  return n;
}
