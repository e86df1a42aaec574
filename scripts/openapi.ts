/**
 * Writes the checked-in API artifacts from the code: `openapi.json` (the OpenAPI 3.1 document the
 * API serves at GET /openapi.json) and `client/portal-api.ts` (the portal's TypeScript types,
 * generated from that document by openapi-typescript). `npm run openapi`; a unit test fails when
 * either file differs from what this would write.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../lambdas/http/openapi.ts';

const ROOT = new URL('..', import.meta.url);

export const ARTIFACTS = {
  document: 'openapi.json',
  clientTypes: 'client/portal-api.ts',
} as const;

const CLIENT_HEADER = `/**
 * The Group Images API's types for TypeScript clients, generated from openapi.json by
 * openapi-typescript: do not edit, run \`npm run openapi\`. See client/example.ts for a typed call.
 */
`;

/** Both files' contents, as \`npm run openapi\` writes them. */
export async function generateArtifacts(): Promise<Record<keyof typeof ARTIFACTS, string>> {
  const document = openApiDocument();
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { rootTypes: true, rootTypesNoSchemaPrefix: true, emptyObjectsUnknown: true, silent: true });
  return {
    document: `${JSON.stringify(document, null, 2)}\n`,
    clientTypes: CLIENT_HEADER + astToString(ast),
  };
}

export const artifactPath = (name: keyof typeof ARTIFACTS) => fileURLToPath(new URL(ARTIFACTS[name], ROOT));

/** The checked-in files, or null where one is missing. */
export async function readArtifacts(): Promise<Record<keyof typeof ARTIFACTS, string | null>> {
  const read = (name: keyof typeof ARTIFACTS) => readFile(artifactPath(name), 'utf8').catch(() => null);
  return { document: await read('document'), clientTypes: await read('clientTypes') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const artifacts = await generateArtifacts();
  for (const name of Object.keys(ARTIFACTS) as (keyof typeof ARTIFACTS)[]) {
    await writeFile(artifactPath(name), artifacts[name]);
    console.log(`wrote ${ARTIFACTS[name]}`);
  }
}
