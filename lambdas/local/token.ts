/**
 * Mints a bearer token the local server accepts:
 *   npm run --silent token -- --sub alice --groups team-a --admin-groups team-a [--system-admin]
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
}

export async function mintLocalToken(dataDir: string, request: TokenRequest): Promise<string> {
  const { privateKey } = await localSigningKeys(dataDir);
  const adminGroups = request.adminGroups ?? [];
  return new SignJWT({
    [DEFAULT_CLAIMS.groups]: [...new Set([...(request.groups ?? []), ...adminGroups])],
    [DEFAULT_CLAIMS.adminGroups]: adminGroups,
    [DEFAULT_CLAIMS.roles]: request.systemAdmin ? [DEFAULT_SYSTEM_ADMIN_ROLE] : [],
  })
    .setProtectedHeader({ alg: SIGNING_ALG })
    .setSubject(request.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '12h')
    .sign(privateKey);
}

const list = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      groups: { type: 'string', multiple: true },
      'admin-groups': { type: 'string', multiple: true },
      'system-admin': { type: 'boolean', default: false },
      'expires-in': { type: 'string' },
    },
  });
  if (!values.sub) {
    console.error('usage: npm run --silent token -- --sub alice [--groups team-a,team-b] [--admin-groups team-a] [--system-admin] [--expires-in 12h]');
    process.exit(2);
  }
  const token = await mintLocalToken(dataDirFrom(process.env), {
    sub: values.sub,
    groups: list(values.groups),
    adminGroups: list(values['admin-groups']),
    systemAdmin: values['system-admin'],
    expiresIn: values['expires-in'],
  });
  process.stdout.write(`${token}\n`);
}
