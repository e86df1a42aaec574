/**
 * Issue 18: ECR's "ECR Image Scan" EventBridge event (basic scanning, scan on push), as AWS documents
 * it (test/fixtures/ecr-image-scan): `detail` names the repository, the image digest and tags, the
 * scan status and `finding-severity-counts`, which holds a severity only when it has findings.
 * Only completed scans of the service's own image repository, in its own account, are taken.
 */
import * as z from 'zod/mini';
import type { ImageScan } from '../domain/image-scans.ts';

export const IMAGE_SCAN_SOURCE = 'aws.ecr';
export const IMAGE_SCAN_DETAIL_TYPE = 'ECR Image Scan';

const count = z.optional(z.number().check(z.int(), z.nonnegative(), z.maximum(1e9)));
const eventSchema = z.object({
  source: z.literal(IMAGE_SCAN_SOURCE),
  'detail-type': z.literal(IMAGE_SCAN_DETAIL_TYPE),
  account: z.string(),
  time: z.iso.datetime(),
  detail: z.object({
    'scan-status': z.string(),
    'repository-name': z.string().check(z.maxLength(256)),
    // AWS's own documented example carries a 60-digit digest: the length is not held against an event.
    'image-digest': z.optional(z.string().check(z.regex(/^sha256:[0-9a-f]{32,64}$/))),
    'image-tags': z.optional(z.array(z.string().check(z.regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/))).check(z.maxLength(1000))),
    'finding-severity-counts': z.optional(z.object({ CRITICAL: count, HIGH: count, MEDIUM: count, LOW: count, INFORMATIONAL: count, UNDEFINED: count })),
  }),
});

export const isImageScanEvent = (event: unknown) =>
  typeof event === 'object' &&
  event !== null &&
  (event as Record<string, unknown>)['detail-type'] === IMAGE_SCAN_DETAIL_TYPE &&
  (event as Record<string, unknown>).source === IMAGE_SCAN_SOURCE;

export type RecognisedScan = { ok: true; scan: ImageScan } | { ok: false; reason: 'malformed' | 'not-ours' | 'not-complete' | 'unnamed'; detail?: string };

/** The scan an event reports, when it is a completed scan of our repository (`ours.repository`: its name). */
export function recogniseScanEvent(event: unknown, ours: { repository: string; account?: string }): RecognisedScan {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) return { ok: false, reason: 'malformed', detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const { detail, account, time } = parsed.data;
  if (detail['repository-name'] !== ours.repository || (ours.account !== undefined && account !== ours.account)) return { ok: false, reason: 'not-ours' };
  if (detail['scan-status'] !== 'COMPLETE') return { ok: false, reason: 'not-complete', detail: detail['scan-status'] };
  const tags = detail['image-tags'] ?? [];
  const digest = detail['image-digest'] ?? null;
  if (tags.length === 0 && digest === null) return { ok: false, reason: 'unnamed' };
  const counts = detail['finding-severity-counts'] ?? {};
  return {
    ok: true,
    scan: {
      tags,
      digest,
      vulnerabilities: {
        critical: counts.CRITICAL ?? 0,
        high: counts.HIGH ?? 0,
        medium: counts.MEDIUM ?? 0,
        low: counts.LOW ?? 0,
        informational: counts.INFORMATIONAL ?? 0,
        undefined: counts.UNDEFINED ?? 0,
        scannedAt: new Date(time).toISOString(),
      },
    },
  };
}
