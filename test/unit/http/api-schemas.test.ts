/**
 * The response schemas are the domain's response types, exactly: tsc fails this file when a field
 * is added to, dropped from or retyped in either side. The runtime checks parse real domain values.
 */
import { describe, expect, it } from '@jest/globals';
import type * as z from 'zod/mini';
import type { Build } from '../../../lambdas/domain/build.ts';
import type { LogLine } from '../../../lambdas/domain/builder.ts';
import type { Page, SelectableImage } from '../../../lambdas/domain/catalog.ts';
import { toImage, type Image, type ImageRecord } from '../../../lambdas/domain/image.ts';
import type { PullSecretMetadata } from '../../../lambdas/domain/pull-secrets.ts';
import {
  buildPageSchema,
  buildSchema,
  callerSchema,
  imagePageSchema,
  imageSchema,
  logPageSchema,
  problemSchema,
  pullSecretListSchema,
  pullSecretSchema,
  selectionPageSchema,
  validationProblemSchema,
} from '../../../lambdas/http/api-schemas.ts';
import { problem, type Problem } from '../../../lambdas/http/problem.ts';
import type { callerView } from '../../../lambdas/http/public-operations.ts';

/** true when each type is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Out<S extends z.ZodMiniType> = z.output<S>;

const sameTypes: Record<string, true> = {
  image: true satisfies Same<Out<typeof imageSchema>, Image>,
  imagePage: true satisfies Same<Out<typeof imagePageSchema>, Page<Image>>,
  build: true satisfies Same<Out<typeof buildSchema>, Build>,
  buildPage: true satisfies Same<Out<typeof buildPageSchema>, Page<Build>>,
  logPage: true satisfies Same<Out<typeof logPageSchema>, { lines: LogLine[]; nextCursor: string | null }>,
  selection: true satisfies Same<Out<typeof selectionPageSchema>, Page<SelectableImage>>,
  secret: true satisfies Same<Out<typeof pullSecretSchema>, PullSecretMetadata>,
  secrets: true satisfies Same<Out<typeof pullSecretListSchema>, { items: PullSecretMetadata[] }>,
  problem: true satisfies Same<Out<typeof problemSchema>, Problem>,
  caller: true satisfies Same<Out<typeof callerSchema>, ReturnType<typeof callerView>>,
};

const record: ImageRecord = {
  name: 'torch-ab12c',
  displayName: 'torch',
  description: null,
  group: 'team-a',
  type: 'gpu',
  url: null,
  urlForGpu: null,
  pullSecret: null,
  source: 'build',
  buildSpec: { baseImage: 'python:3.12-slim', packages: { pip: ['torch==2.1.0'] } },
  latestBuild: { id: 'b0000000001abcde', status: 'queued', createdAt: '2026-01-02T03:04:05.000Z', finishedAt: null },
  createdAt: '2026-01-02T03:04:05.000Z',
  updatedAt: '2026-01-02T03:04:05.000Z',
  createdBy: 'ada',
  updatedBy: 'ada',
  version: 1,
};

describe('the response schemas', () => {
  it('have the types of the domain responses', () => {
    // Assess: the compile-time checks above ran; this only keeps them from being unused.
    expect(Object.values(sameTypes).every(Boolean)).toBe(true);
  });

  it('accept an image as the API returns it', () => {
    // Act
    const result = imageSchema.safeParse(toImage(record));

    // Assess
    expect(result.success).toBe(true);
  });

  it('refuse a stored field leaking into the response', () => {
    // Act
    const result = imageSchema.safeParse(record);

    // Assess
    expect(result.success).toBe(false);
  });

  it('accept problems as the API builds them, and demand field errors on a 422', () => {
    // Act
    const notFound = problem('not-found', 'no image "x"', { requestId: 'r1' });
    const invalid = problem('validation', 'bad', { errors: [{ path: '/displayName', message: 'is required' }] });

    // Assess
    expect(problemSchema.safeParse(notFound).success).toBe(true);
    expect(validationProblemSchema.safeParse(invalid).success).toBe(true);
    expect(validationProblemSchema.safeParse(notFound).success).toBe(false);
  });
});
