/**
 * The one test that really bundles: esbuild turns a handler into the ESM file Lambda runs, and the
 * bundle is then loaded by a fresh Node process and invoked, as the Node 24 runtime would.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { entryOf } from '../../lib/api-stack.ts';
import { esbuildOptionsFor } from '../../lib/bundling.ts';
import { ServiceFunction } from '../../lib/service-function.ts';

const run = promisify(execFile);

describe('function bundling', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'gi-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  // CDK's template validation is not what this suite tests (cfn-validation.test.ts runs it) and costs ~2s of CPU.
  const app = new App({ outdir, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bundled');
  new ServiceFunction(stack, 'Public', {
    entry: entryOf('public'),
    description: 'health',
    environment: {},
    timeout: Duration.seconds(5),
    logRetentionDays: RetentionDays.ONE_DAY,
    code: 'bundle',
  });
  const assembly = app.synth();
  const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]!.Properties.Code as { S3Key: string };
  const assetDir = join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  const bundle = join(assetDir, 'index.mjs');

  it('produces one minified ES module with a require shim and a linked source map', () => {
    const text = readFileSync(bundle, 'utf8');

    expect(text.startsWith("import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);")).toBe(true);
    expect(text).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    expect(text).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(text.split('\n').length).toBeLessThan(20);
  });

  it('runs: the bundle answers GET /health with 200 when Node loads it as Lambda does', async () => {
    const event = {
      version: '2.0',
      routeKey: 'GET /health',
      rawPath: '/health',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'bundling-test', routeKey: 'GET /health' },
    };
    const script = `
      const { handler } = await import(${JSON.stringify(bundle)});
      const context = { awsRequestId: 'bundling-test', functionName: 'public', getRemainingTimeInMillis: () => 5000 };
      const result = await handler(${JSON.stringify(event)}, context);
      process.stdout.write(JSON.stringify({ statusCode: result.statusCode }));
    `;

    const { stdout } = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: outdir });

    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ statusCode: 200 });
  });

  it('is what the benchmarks build: esbuild called with esbuildOptionsFor() gives the same bundle, byte for byte', async () => {
    // Prepare
    const benchDir = join(outdir, 'bench');

    // Act
    const options = esbuildOptionsFor(entryOf('public'), benchDir);
    await build({ ...options, logLevel: 'silent' });

    // Assess
    expect(readFileSync(options.outfile, 'utf8')).toBe(readFileSync(bundle, 'utf8'));
    const mappings = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { mappings: string }).mappings;
    expect(mappings(`${options.outfile}.map`)).toBe(mappings(`${bundle}.map`));
  });
});
