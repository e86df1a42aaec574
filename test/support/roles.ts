/**
 * Every caller the contract distinguishes, as bearer tokens for the local server: the roles of
 * `roleTokens` plus no token at all and tokens the server must refuse (expired, signed by another key).
 * The refused tokens carry a group admin's and system admin's claims, so only the token itself is wrong.
 */
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { DEFAULT_CLAIMS, DEFAULT_SYSTEM_ADMIN_ROLE } from '../../lambdas/config.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, SIGNING_ALG, localSigningKeys } from '../../lambdas/local/keys.ts';
import { roleTokens, type LocalApi } from './local-api.ts';

export const ROLES = ['groupAdmin', 'member', 'otherAdmin', 'otherMember', 'systemAdmin', 'noToken', 'expiredToken', 'foreignToken'] as const;
export type Role = (typeof ROLES)[number];

/** Claims of a caller who would be allowed everything, were the token valid. */
const allPowerful = {
  [DEFAULT_CLAIMS.groups]: ['team-a', 'team-b'],
  [DEFAULT_CLAIMS.adminGroups]: ['team-a', 'team-b'],
  [DEFAULT_CLAIMS.roles]: [DEFAULT_SYSTEM_ADMIN_ROLE],
};

export interface TokenShape {
  key: CryptoKey;
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch. */
  expiresAt?: number;
  sub?: string | null;
  claims?: Record<string, unknown>;
}

/** Signs a token with full control over what is wrong with it. */
export function signToken({
  key,
  issuer = LOCAL_ISSUER,
  audience = LOCAL_AUDIENCE,
  expiresAt,
  sub = 'eve',
  claims = allPowerful,
}: TokenShape): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now - 7200)
    .setExpirationTime(expiresAt ?? now + 3600);
  if (sub !== null) jwt = jwt.setSubject(sub);
  return jwt.sign(key);
}

/** The local server's own signing key (what the identity provider holds). */
export const localKey = async (api: Pick<LocalApi, 'dataDir'>) => (await localSigningKeys(api.dataDir)).privateKey;

/** A key the server has never seen. */
export const foreignKey = async () => (await generateKeyPair(SIGNING_ALG)).privateKey;

export async function allRoleTokens(api: LocalApi): Promise<Record<Role, string | undefined>> {
  const [roles, key, otherKey] = await Promise.all([roleTokens(api), localKey(api), foreignKey()]);
  return {
    ...roles,
    noToken: undefined,
    expiredToken: await signToken({ key, expiresAt: Math.floor(Date.now() / 1000) - 3600 }),
    foreignToken: await signToken({ key: otherKey }),
  };
}
