/**
 * The local server's secrets, created on first start and kept in DATA_DIR (mode 0600): the key that
 * signs local tokens (what an identity provider would hold) and the cursor HMAC key.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';

export const LOCAL_ISSUER = 'urn:group-images:local';
export const LOCAL_AUDIENCE = 'group-images';
const ALG = 'ES256';

async function readOrCreate(path: string, create: () => Promise<string>): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const value = await create();
    // 'wx' so two processes starting at once cannot overwrite each other's key.
    await writeFile(path, value, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    return readFile(path, 'utf8');
  }
}

export interface SigningKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function localSigningKeys(dataDir: string): Promise<SigningKeys> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const text = await readOrCreate(join(dataDir, 'token-signing-key.jwk.json'), async () => {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    return JSON.stringify(await exportJWK(privateKey));
  });
  const jwk = JSON.parse(text) as JWK;
  const { d: _d, ...publicJwk } = jwk;
  return {
    privateKey: (await importJWK(jwk, ALG)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
  };
}

export async function localCursorKey(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return readOrCreate(join(dataDir, 'cursor-key'), async () => randomBytes(32).toString('hex'));
}

export const SIGNING_ALG = ALG;
