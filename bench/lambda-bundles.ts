/**
 * The Lambda bundles as `cdk synth` builds them (esbuild's JS API with lib/bundling.ts's options),
 * what they contain (from esbuild's metafile), and the floors they are compared with: a bundle of
 * only the AWS SDK clients and commands a function's bundle holds, and an empty module, both built
 * with the same options.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { entryOf, type ServiceFunctionName } from '../lib/api-stack.ts';
import { esbuildOptionsFor, PROJECT_ROOT } from '../lib/bundling.ts';
import { HTTP_FUNCTIONS, type HttpFunction } from '../lambdas/http/routes.ts';

/** Scratch space for bundles and generated entries (git-ignored, lint-ignored). */
export const WORK_DIR = join(PROJECT_ROOT, 'bench/.work');

/** The functions no route invokes; a Record so that a function added to ServiceFunctionName and missing here fails tsc. */
const EVENT_FUNCTIONS: Record<Exclude<ServiceFunctionName, HttpFunction>, true> = { buildEvents: true, buildReconciler: true, imageRetirement: true };

/** Every function the stack deploys (lib/api-stack.ts ServiceFunctionName). */
export const FUNCTION_NAMES: readonly ServiceFunctionName[] = [
  ...(Object.keys(HTTP_FUNCTIONS) as HttpFunction[]),
  ...(Object.keys(EVENT_FUNCTIONS) as Exclude<ServiceFunctionName, HttpFunction>[]),
];

export interface Contribution {
  name: string;
  bytes: number;
}

export interface Bundle {
  /** Entry relative to the project root. */
  entry: string;
  /** The bundle file (absolute). */
  file: string;
  bytes: number;
  mapBytes: number;
  metafile: Metafile;
}

export async function bundleEntry(entry: string, outdir: string): Promise<Bundle> {
  await rm(outdir, { recursive: true, force: true });
  const options = esbuildOptionsFor(entry, outdir);
  const result = await build({ ...options, metafile: true, logLevel: 'silent' });
  const [bytes, mapBytes] = await Promise.all([
    stat(options.outfile).then((s) => s.size),
    stat(`${options.outfile}.map`).then(
      (s) => s.size,
      () => 0,
    ),
  ]);
  return { entry, file: options.outfile, bytes, mapBytes, metafile: result.metafile! };
}

/** The bundle's inputs with the bytes each contributes to the output, largest first. */
function contributions(metafile: Metafile): Contribution[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('the metafile has no entry output');
  return Object.entries(output.inputs)
    .map(([name, input]) => ({ name, bytes: input.bytesInOutput }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** `node_modules/@smithy/core/dist-es/x.js` -> `@smithy/core`; `lambdas/domain/x.ts` -> `lambdas/domain/` (our code, by folder). */
export function packageOf(input: string): string {
  const inModules = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inModules) return inModules[1]!;
  const slash = input.lastIndexOf('/');
  return slash < 0 ? input : `${input.slice(0, slash)}/`;
}

export interface Breakdown {
  packages: Contribution[];
  modules: Contribution[];
}

export function breakdownOf(metafile: Metafile, top = 12): Breakdown {
  const modules = contributions(metafile);
  const byPackage = new Map<string, number>();
  for (const m of modules) byPackage.set(packageOf(m.name), (byPackage.get(packageOf(m.name)) ?? 0) + m.bytes);
  const packages = [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
  return { packages: packages.slice(0, top), modules: modules.slice(0, top) };
}

export interface SdkClientUse {
  package: string;
  client: string;
  commands: string[];
}

/** The AWS SDK clients (and their commands) a bundle holds: the inputs that contribute bytes to it. */
export function sdkUseOf(metafile: Metafile): { clients: SdkClientUse[]; utilDynamodb: boolean } {
  const inputs = contributions(metafile).map((c) => c.name);
  const clients = new Map<string, SdkClientUse>();
  for (const input of inputs) {
    const client = /node_modules\/(@aws-sdk\/client-[^/]+)\/dist-es\/(\w+Client)\.js$/.exec(input);
    if (client) clients.set(client[1]!, { package: client[1]!, client: client[2]!, commands: clients.get(client[1]!)?.commands ?? [] });
  }
  for (const input of inputs) {
    const command = /node_modules\/(@aws-sdk\/client-[^/]+)\/dist-es\/commands\/(\w+Command)\.js$/.exec(input);
    if (command && clients.has(command[1]!)) clients.get(command[1]!)!.commands.push(command[2]!);
  }
  const list = [...clients.values()].map((c) => ({ ...c, commands: [...new Set(c.commands)].sort() })).sort((a, b) => a.package.localeCompare(b.package));
  return { clients: list, utilDynamodb: inputs.some((i) => i.includes('node_modules/@aws-sdk/util-dynamodb/')) };
}

/** An entry that imports those clients and commands and constructs each client, as the functions do at init. */
export function sdkFloorSource(use: ReturnType<typeof sdkUseOf>): string {
  if (use.clients.length === 0) return 'export {};\n';
  const lines = use.clients.map((c) => `import { ${[c.client, ...c.commands].join(', ')} } from '${c.package}';`);
  if (use.utilDynamodb) lines.push("import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';");
  lines.push(
    `export const clients = [${use.clients.map((c) => `new ${c.client}({})`).join(', ')}];`,
    `export const commands = [${use.clients.flatMap((c) => c.commands).join(', ')}];`,
    ...(use.utilDynamodb ? ['export const conversions = [marshall, unmarshall];'] : []),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Bundles a generated entry with the same options. It is written under `workDir` (inside the project,
 * so that it resolves the project's node_modules as the functions do).
 */
export async function bundleSource(label: string, source: string, workDir = WORK_DIR): Promise<Bundle> {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const srcDir = join(workDir, 'src');
  await mkdir(srcDir, { recursive: true });
  const file = join(srcDir, `${label}-${hash}.mjs`);
  await writeFile(file, source);
  return bundleEntry(relative(PROJECT_ROOT, file), join(workDir, 'bundles', `${label}-${hash}`));
}

export const bundleFunction = (name: ServiceFunctionName, workDir = WORK_DIR) => bundleEntry(entryOf(name), join(workDir, 'bundles', name));
