/**
 * Writes the checked-in API artifacts from the code, all in one folder, client/generated/ (the SDK
 * package ships them): `openapi.json` (the OpenAPI 3.1 document the API serves at GET /openapi.json,
 * bundled into the public function), `portal-api.ts` (the portal's TypeScript types, generated from
 * that document by openapi-typescript) and `operations.ts` (the SDK's operation table).
 * `npm run openapi`; a unit test fails when any file differs from what this would write.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../lambdas/http/openapi.ts';

const ROOT = new URL('..', import.meta.url);

/** The one folder of generated files; nothing else in the repository is generated. */
export const GENERATED_DIR = 'client/generated';

export const ARTIFACTS = {
  document: `${GENERATED_DIR}/openapi.json`,
  clientTypes: `${GENERATED_DIR}/portal-api.ts`,
  clientOperations: `${GENERATED_DIR}/operations.ts`,
} as const;

const CLIENT_HEADER = `/**
 * The Group Images API's types for TypeScript clients, generated from client/generated/openapi.json by
 * openapi-typescript: do not edit, run \`npm run openapi\`. The portal SDK (client/portal-client.ts) is typed with them.
 */
`;

const OPERATIONS_HEADER = `/**
 * Where each operation of the Group Images API is, by operationId, generated from client/generated/openapi.json:
 * do not edit, run \`npm run openapi\`. The portal client (client/portal-client.ts) calls every
 * operation through this table, so a route added to the API is callable as soon as it is generated.
 */
`;

/** operationId -> method and path template, as TypeScript. */
function operationTable(document: ReturnType<typeof openApiDocument>): string {
  const rows = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => `  ${operation.operationId}: { method: '${method.toUpperCase()}', path: '${path}' },`),
  );
  return `${OPERATIONS_HEADER}export const OPERATIONS = {\n${rows.join('\n')}\n} as const;\n\nexport type OperationId = keyof typeof OPERATIONS;\n`;
}

/** The files' contents, as \`npm run openapi\` writes them. */
export async function generateArtifacts(): Promise<Record<keyof typeof ARTIFACTS, string>> {
  const document = openApiDocument();
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    emptyObjectsUnknown: true,
    silent: true,
  });
  return {
    document: `${JSON.stringify(document, null, 2)}\n`,
    clientTypes: CLIENT_HEADER + astToString(ast),
    clientOperations: operationTable(document),
  };
}

export const artifactPath = (name: keyof typeof ARTIFACTS) => fileURLToPath(new URL(ARTIFACTS[name], ROOT));

/** The checked-in files, or null where one is missing. */
export async function readArtifacts(): Promise<Record<keyof typeof ARTIFACTS, string | null>> {
  const read = (name: keyof typeof ARTIFACTS) => readFile(artifactPath(name), 'utf8').catch(() => null);
  return { document: await read('document'), clientTypes: await read('clientTypes'), clientOperations: await read('clientOperations') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const artifacts = await generateArtifacts();
  await mkdir(fileURLToPath(new URL(GENERATED_DIR, ROOT)), { recursive: true });
  for (const name of Object.keys(ARTIFACTS) as (keyof typeof ARTIFACTS)[]) {
    await writeFile(artifactPath(name), artifacts[name]);
    console.log(`wrote ${ARTIFACTS[name]}`);
  }
}
