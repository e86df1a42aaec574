/**
 * Wiring has one home: lambdas/wiring/ constructs the services, with one factory per function whose
 * ports are all required. The Lambda entries, the local server, the benches and the test harness call
 * those factories; a port left out is a type error (tsc checks the `@ts-expect-error` lines below:
 * were a port optional again, the directive would be unused and the type-check would fail).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { claimNamesFrom } from '../../../lambdas/config.ts';
import { cursorCodec } from '../../../lambdas/domain/cursor.ts';
import { buildLogs, type BuildLogsPorts } from '../../../lambdas/wiring/build-logs.ts';
import { catalogWriter, type CatalogWriterPorts } from '../../../lambdas/wiring/catalog-writer.ts';
import { noBuildMetrics, systemClock } from '../../../lambdas/wiring/ports.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() && e.name !== 'node_modules' ? sourcesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The services whose construction lives in lambdas/wiring/ only. */
const SERVICES = ['ImageCatalog', 'ImageCatalogWrites', 'BuildLifecycle', 'BuildReports', 'BuildReconciler', 'BuildReads', 'BuildLogPages', 'PullSecrets'];

describe('wiring', () => {
  // The domain composes its own parts (the lifecycle applies reports through its BuildReports): those are not wiring.
  it('constructs the services in lambdas/wiring/ only (the domain itself and the domain unit tests of a class aside)', () => {
    const files = ['lambdas', 'bench', 'scripts', 'bin', 'lib', 'test'].flatMap((d) => sourcesUnder(join(ROOT, d)));
    const constructing = files
      .map((f) => relative(ROOT, f))
      .filter(
        (f) =>
          !f.startsWith('lambdas/wiring/') &&
          !f.startsWith('lambdas/domain/') &&
          !f.startsWith('test/unit/domain/') &&
          f !== 'test/unit/architecture/wiring.test.ts',
      )
      .filter((f) => SERVICES.some((s) => readFileSync(join(ROOT, f), 'utf8').includes(`new ${s}(`)));
    expect(constructing).toEqual([]);
  });

  it('is called by the Lambda entries and the local server only, within lambdas/ (it sits above the adapters and the domain)', () => {
    const importers = sourcesUnder(join(ROOT, 'lambdas'))
      .map((f) => relative(join(ROOT, 'lambdas'), f))
      .filter((f) => !f.startsWith('wiring/') && /from '\.\.\/wiring\//.test(readFileSync(join(ROOT, 'lambdas', f), 'utf8')))
      .map((f) => f.split('/')[0]);
    expect([...new Set(importers)].sort()).toEqual(['functions', 'local']);
  });

  it('wires the writer from the ports it is given', () => {
    const wired = catalogWriter(writerPorts());
    expect(typeof wired.handler).toBe('function');
    expect(wired.catalog).toBeDefined();
    expect(wired.builds).toBeDefined();
  });

  it('has its every port required: tsc type-checks portsAreRequired below (never run) against the factories', () => {
    expect(portsAreRequired).toBeInstanceOf(Function);
  });
});

/**
 * Type-checked, never run: each call leaves one port out and must not compile. Were the port
 * optional again, the `@ts-expect-error` above it would be unused, which tsc reports as an error.
 */
function portsAreRequired(writer: CatalogWriterPorts, logs: BuildLogsPorts) {
  const { builder: _builder, ...withoutBuilder } = writer;
  // @ts-expect-error a writer cannot be wired without a builder
  catalogWriter(withoutBuilder);
  const { limits: _limits, ...withoutLimits } = writer;
  // @ts-expect-error nor without its group limits (an unlimited one is written out as undefined)
  catalogWriter(withoutLimits);
  const { scans: _scans, ...withoutScans } = writer;
  // @ts-expect-error nor without saying whether builds are scanned (null: they are not)
  catalogWriter(withoutScans);
  const { secretDirectory: _secrets, ...withoutSecrets } = writer;
  // @ts-expect-error nor without its pull secrets: the images and specs it stores name them
  catalogWriter(withoutSecrets);
  const { logs: _logs, ...withoutLogs } = logs;
  // @ts-expect-error the logs function reads logs
  buildLogs(withoutLogs);
}

function writerPorts(): CatalogWriterPorts {
  const { images, builds } = fakeStores();
  return {
    claims: claimNamesFrom({}),
    imageStore: images,
    buildStore: builds,
    cursors: cursorCodec('wiring-test'),
    clock: systemClock,
    random: () => 'r0001',
    outcomes: { publish: async () => undefined },
    metrics: noBuildMetrics,
    scans: null,
    builder: { start: async () => ({ builderId: 'b', dryRun: false }), stop: async () => undefined, describe: async () => new Map() },
    repositories: { image: 'registry.example/images', cache: '' },
    secretDirectory: { exists: async () => false },
    limits: { maxImagesPerGroup: 1, maxConcurrentBuildsPerGroup: 1 },
    logs: null,
  };
}

/** Stores that are never called here: the factories only construct. */
function fakeStores() {
  const never = () => {
    throw new Error('not called while wiring');
  };
  const handler: ProxyHandler<object> = { get: () => never };
  return { images: new Proxy({}, handler) as CatalogWriterPorts['imageStore'], builds: new Proxy({}, handler) as CatalogWriterPorts['buildStore'] };
}
