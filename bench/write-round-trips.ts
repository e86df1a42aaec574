/**
 * Round trips of the writes that change several items, each one transaction: a create with its build
 * (plus StartBuild), an edit, a delete, a build's phase event. The build service and catalog over the
 * DynamoDB stores on an in-memory DynamoDB Local whose client carries a recorder, a recording builder
 * in CodeBuild's place. Median of the round trips over the iterations (they do not vary by timing).
 */
import { withBuildServices } from './build-services.ts';
import type { NewImage } from '../lambdas/domain/image.ts';
import type { Principal } from '../lambdas/domain/principal.ts';
import { groupScope } from '../lambdas/domain/scope.ts';
import { DynamoRecorder, roundTrips } from './dynamo-recorder.ts';

const SCOPE = groupScope('team-a');
const ADMIN: Principal = { sub: 'ada', groups: new Set(['team-a']), adminGroups: new Set(['team-a']), systemAdmin: false };

/** The budgets, in DynamoDB round trips (StartBuild is CodeBuild's, not counted). */
export const WRITE_ROUND_TRIP_BUDGETS = { 'create with build': 3, edit: 2, delete: 2, 'phase event': 2 } as const;
export type WriteRequest = keyof typeof WRITE_ROUND_TRIP_BUDGETS;

export interface WriteRoundTripsResult {
  method: string;
  iterations: number;
  /** Most round trips seen per request, and the commands of its last iteration. */
  requests: { request: WriteRequest; roundTrips: number; commands: string }[];
}

export async function measureWriteRoundTrips(iterations = 10): Promise<WriteRoundTripsResult> {
  const limits = { maxConcurrentBuildsPerGroup: iterations + 1, maxImagesPerGroup: 4 * iterations };
  return withBuildServices('write-round-trips', limits, async ({ dynamo, service, catalog }) => {
    const recorder = new DynamoRecorder(dynamo.client);
    const seen = new Map<WriteRequest, { roundTrips: number; commands: string }>();
    const measure = async <T>(request: WriteRequest, action: () => Promise<T>): Promise<T> => {
      const { result, sent } = await recorder.during(action);
      const trips = roundTrips(sent);
      const commands = trips.map((trip) => [...new Set(trip.map((c) => c.name.replace(/Command$/, '')))].join('+')).join(', ');
      seen.set(request, { roundTrips: Math.max(trips.length, seen.get(request)?.roundTrips ?? 0), commands });
      return result;
    };
    for (let i = 0; i < iterations; i++) {
      const body: NewImage = {
        displayName: `measured.${i}`,
        type: 'cpu',
        description: 'Python 3.12 for the team',
        build: { baseImage: 'python:3.12-slim', packages: { pip: [`package-${i}`] } },
      };
      const { image } = await measure('create with build', () => catalog.create(ADMIN, SCOPE, body));
      const buildId = image.latestBuild!.id;
      const ref = { scope: SCOPE, image: image.name, buildId };
      const builderId = `group-images-image-build:${buildId}`; // what the recording builder answers
      await service.reports.report(ref, builderId, { status: 'building', phase: 'preparing', at: new Date().toISOString() });
      await measure('phase event', () => service.reports.report(ref, builderId, { status: 'building', phase: 'building', at: new Date().toISOString() }));
      await measure('edit', () => catalog.update(ADMIN, SCOPE, image.name, { description: i % 2 ? 'Python 3.12 with pandas' : 'Python 3.12 with polars' }));
      await service.reports.report(ref, builderId, { status: 'succeeded', phase: 'finishing', at: new Date().toISOString() });
      await measure('delete', () => catalog.delete(SCOPE, image.name));
    }
    return {
      method:
        'BuildLifecycle and ImageCatalogWrites over the DynamoDB stores on an in-memory DynamoDB Local whose client records every command, a recording builder in place of CodeBuild; ' +
        `${iterations} custom images, each created with its build, moved a phase on, edited, finished and deleted. Round trips: the longest chain of commands each sent after the previous one answered.`,
      iterations,
      requests: [...seen].map(([request, s]) => ({ request, ...s })),
    };
  });
}
