/**
 * How every Lambda function's code is bundled, defined once: `lib/service-function.ts` hands
 * FUNCTION_BUNDLING to NodejsFunction, and the benchmarks (bench/) turn the same object into
 * esbuild's own build options with `esbuildOptionsFor`, so what they measure is what `cdk synth`
 * ships (test/infra/bundling.test.ts checks that the two bundles are byte for byte the same).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The repository root: entries are resolved from here, and esbuild runs here (package-lock.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** ESM bundles have no `require`; a few CommonJS dependencies still call it. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  // Bundle the AWS SDK too: the function then runs the SDK versions the tests ran against
  // (package-lock.json), not whatever copy the runtime ships, and esbuild drops what is unused.
  bundleAwsSDK: true,
};

/** The options `esbuildOptionsFor` knows how NodejsFunction turns into esbuild arguments. */
const TRANSLATED = new Set<keyof BundlingOptions>([
  'format',
  'target',
  'mainFields',
  'banner',
  'footer',
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'bundleAwsSDK',
  'externalModules',
  'loader',
  'define',
  'logLevel',
  'keepNames',
  'tsconfig',
  'metafile',
  'inject',
]);

/** The file NodejsFunction writes the bundle to, inside its asset directory. */
export const bundleFileOf = (bundling: BundlingOptions = FUNCTION_BUNDLING) => (bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js');

/**
 * esbuild's build options for one entry, as NodejsFunction derives its esbuild command line from
 * `bundling` (aws-cdk-lib/aws-lambda-nodejs Bundling.buildEsbuildArgs: `esbuild --bundle <entry>
 * --target --platform=node --format --outfile --minify --sourcemap --sources-content ...`, run in the
 * project root). Refuses an option it does not translate rather than measure something else.
 *
 * @param entry the entry relative to PROJECT_ROOT, e.g. `lambdas/functions/public.ts`
 * @param outdir where to write the bundle (its file name is NodejsFunction's, see bundleFileOf)
 */
export function esbuildOptionsFor(entry: string, outdir: string, bundling: BundlingOptions = FUNCTION_BUNDLING): BuildOptions & { outfile: string } {
  const untranslated = Object.keys(bundling).filter((k) => !TRANSLATED.has(k as keyof BundlingOptions) && bundling[k as keyof BundlingOptions] !== undefined);
  if (untranslated.length) throw new Error(`esbuildOptionsFor does not translate the bundling option(s) ${untranslated.join(', ')}`);
  if (!bundling.target) throw new Error('esbuildOptionsFor needs an explicit bundling target (NodejsFunction would derive it from the runtime)');
  if (!bundling.bundleAwsSDK && !bundling.externalModules) {
    throw new Error('esbuildOptionsFor needs bundleAwsSDK or explicit externalModules (the default externals depend on a feature flag)');
  }
  const sourceMapOn = bundling.sourceMapMode ?? bundling.sourceMap;
  const sourceMapMode = bundling.sourceMapMode ?? SourceMapMode.DEFAULT;
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    bundle: true,
    target: bundling.target,
    platform: 'node',
    ...(bundling.format ? { format: bundling.format } : {}),
    outfile: join(outdir, bundleFileOf(bundling)),
    minify: bundling.minify ?? false,
    ...(sourceMapOn ? { sourcemap: sourceMapMode === SourceMapMode.DEFAULT ? true : sourceMapMode } : {}),
    sourcesContent: bundling.sourcesContent ?? true,
    external: bundling.externalModules ?? [],
    ...(bundling.loader ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: bundling.define } : {}),
    ...(bundling.logLevel ? { logLevel: bundling.logLevel as BuildOptions['logLevel'] } : {}),
    keepNames: bundling.keepNames ?? false,
    ...(bundling.tsconfig ? { tsconfig: join(PROJECT_ROOT, bundling.tsconfig) } : {}),
    metafile: bundling.metafile ?? false,
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields ? { mainFields: bundling.mainFields } : {}),
    ...(bundling.inject ? { inject: bundling.inject } : {}),
  };
}
