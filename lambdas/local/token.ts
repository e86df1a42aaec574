/**
 * Mints a bearer token the local server accepts:
 *   npm run --silent token -- --sub alice --groups team-a --admin-groups team-a [--system-admin]
 *   npm run --silent token -- --sub alice --claims '{"groups":["/team-a"],"realm_access":{"roles":["system-admin"]}}'
 * The flags fill the default claims (groups, admin_groups, roles); --claims adds any claims at all
 * (nested, namespaced, of any type), in the shape an identity provider would issue them.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { DEFAULT_CLAIMS, DEFAULT_SYSTEM_ADMIN_ROLE } from '../config.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, SIGNING_ALG, localSigningKeys } from './keys.ts';
import { dataDirFrom } from './settings.ts';

export interface TokenRequest {
  sub: string;
  groups?: string[];
  adminGroups?: string[];
  systemAdmin?: boolean;
  expiresIn?: string;
  /** More claims, merged over those of the flags. */
  claims?: Record<string, unknown>;
}

/** Claims the tool sets itself: the local server checks them. */
const SET_BY_THE_TOOL = ['iss', 'aud', 'iat', 'exp', 'nbf'];

export async function mintLocalToken(dataDir: string, request: TokenRequest): Promise<string> {
  const reserved = Object.keys(request.claims ?? {}).filter((name) => SET_BY_THE_TOOL.includes(name));
  if (reserved.length)
    throw new Error(`--claims: ${reserved.join(', ')} ${reserved.length === 1 ? 'is' : 'are'} set by the tool (the local server checks them)`);
  const { privateKey } = await localSigningKeys(dataDir);
  const adminGroups = request.adminGroups ?? [];
  const groups = [...new Set([...(request.groups ?? []), ...adminGroups])];
  return new SignJWT({
    ...(groups.length ? { [DEFAULT_CLAIMS.groups]: groups } : {}),
    ...(adminGroups.length ? { [DEFAULT_CLAIMS.adminGroups]: adminGroups } : {}),
    ...(request.systemAdmin ? { [DEFAULT_CLAIMS.roles]: [DEFAULT_SYSTEM_ADMIN_ROLE] } : {}),
    ...request.claims,
  })
    .setProtectedHeader({ alg: SIGNING_ALG })
    .setSubject(request.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '12h')
    .sign(privateKey);
}

/** --claims: a JSON object, or a usage error naming what is wrong. */
export function parseClaimsOption(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(text);
  } catch (e) {
    throw new Error(`--claims must be a JSON object: ${(e as Error).message}`, { cause: e });
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims))
    throw new Error('--claims must be a JSON object, like \'{"cognito:groups":["team-a"]}\'');
  return claims as Record<string, unknown>;
}

const list = (values: string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      groups: { type: 'string', multiple: true },
      'admin-groups': { type: 'string', multiple: true },
      'system-admin': { type: 'boolean', default: false },
      'expires-in': { type: 'string' },
      claims: { type: 'string' },
    },
  });
  const usage =
    "usage: npm run --silent token -- --sub alice [--groups team-a,team-b] [--admin-groups team-a] [--system-admin] [--expires-in 12h] [--claims '<JSON object>']";
  try {
    const claims = parseClaimsOption(values.claims);
    const sub = values.sub ?? claims?.sub;
    if (typeof sub !== 'string' || sub === '') throw new Error('a subject is required: --sub, or "sub" in --claims');
    const token = await mintLocalToken(dataDirFrom(process.env), {
      sub,
      groups: list(values.groups),
      adminGroups: list(values['admin-groups']),
      systemAdmin: values['system-admin'],
      expiresIn: values['expires-in'],
      claims,
    });
    process.stdout.write(`${token}\n`);
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
}
