/** Issue 18: the lines the buildspec prints to report a build's facts (build-facts-report.ts's format). */
import { gzipSync } from 'node:zlib';
import { factsMarker } from '../../lambdas/domain/build-facts-report.ts';
import { failureNonceOf } from '../../lambdas/builds/buildspec-env.ts';

/** The report's lines for a build, `chunk` characters of base64 each. */
export function reportLines(value: unknown, builderId: string, chunk = 40): string[] {
  const encoded = gzipSync(JSON.stringify(value)).toString('base64');
  const parts = encoded.match(new RegExp(`.{1,${chunk}}`, 'g'))!;
  return parts.map((p, i) => `${factsMarker(failureNonceOf(builderId))}${i + 1}/${parts.length} ${p}`);
}

/** A report as the buildspec makes it, with these fields changed. */
export const factsReport = (overrides: Record<string, unknown> = {}) => ({
  digest: `sha256:${'ab'.repeat(32)}`,
  sizeBytes: 123456,
  layers: 5,
  cachedLayers: 2,
  baseLayers: 1,
  baseImageDigest: `sha256:${'cd'.repeat(32)}`,
  lock: {
    apt: 'hello\t2.10-3\tamd64\ntree\t2.1.0-1\tamd64\n',
    conda: null,
    pip: 'gi-e2e-hello==1.0.0\npip==23.0.1\n-e git+https://example.com/x.git#egg=x\nlocal @ file:///tmp/local\n',
  },
  ...overrides,
});
