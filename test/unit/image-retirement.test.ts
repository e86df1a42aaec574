/**
 * Image retirement over the real DynamoDB stores (the build service harness's embedded DynamoDB) with
 * ECR replaced by aws-sdk-client-mock acting as a repository: DescribeImages lists what is in it,
 * BatchDeleteImage takes tags out. Images and builds are made by the real catalog and build service.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BatchDeleteImageCommand, DescribeImagesCommand, ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { EcrRetirementRegistry } from '../../lambdas/aws/ecr-retirement-registry.ts';
import { retireImages, type RetirementResult } from '../../lambdas/domain/image-retirement.ts';
import { SYSTEM, type Scope } from '../../lambdas/domain/scope.ts';
import { DynamoImageReferences } from '../../lambdas/store/dynamo-image-references.ts';
import {
  ADMIN,
  ADMIN_B,
  customImage,
  harnessFactory,
  IMAGE_REPOSITORY,
  latestBuildOf,
  TEAM_A,
  TEAM_B,
  type Harness,
} from '../support/build-service-harness.ts';
import type { Principal } from '../../lambdas/domain/principal.ts';
import { catalogWriter } from '../../lambdas/wiring/catalog-writer.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const DAY = 86_400_000;
const RETENTION = 14;
const SYS_ADMIN: Principal = { sub: 'root', groups: new Set(), adminGroups: new Set(), systemAdmin: true };

/** The repository: tag -> image details; the ECR mock reads and deletes here. */
class FakeRepository {
  readonly images = new Map<string, ImageDetail>();
  readonly deleteCalls: string[][] = [];

  push(url: string, pushedAt = new Date(0), lastRecordedPullTime?: Date) {
    const tag = url.slice(url.lastIndexOf(':') + 1);
    this.images.set(tag, { imageTags: [tag], imageDigest: `sha256:${tag.slice(4).padEnd(64, '0')}`, imagePushedAt: pushedAt, lastRecordedPullTime });
  }

  tags() {
    return [...this.images.keys()].sort();
  }
}

/**
 * The catalog of a version before issue 12's checks of what an image names in the service's own
 * repositories: the table can hold what it wrote (a system image naming a group's build, or any
 * build by digest), and retirement must keep what such images name.
 */
const earlierCatalog = () => catalogWriter({ ...h.ports, repositories: { image: '', cache: '' } }).catalog;

const ecrMock = mockClient(ECRClient);
const factory = harnessFactory();
let h: Harness;
let repo: FakeRepository;
let references: DynamoImageReferences;

beforeAll(() => factory.start(), TEST_TIMEOUT_MS);
afterAll(() => factory.stop());

beforeEach(async () => {
  h = await factory.harness();
  repo = new FakeRepository();
  references = new DynamoImageReferences(h.db, h.table);
  ecrMock.reset();
  ecrMock.on(DescribeImagesCommand).callsFake((input: { repositoryName: string; nextToken?: string }) => {
    expect(input.repositoryName).toBe('group-images');
    // Two pages, as ECR pages its answers.
    const all = [...repo.images.values()];
    const page = input.nextToken ? all.slice(1) : all.slice(0, 1);
    return { imageDetails: page, nextToken: !input.nextToken && all.length > 1 ? 'page-2' : undefined };
  });
  ecrMock.on(BatchDeleteImageCommand).callsFake((input: { imageIds: { imageTag: string }[] }) => {
    const tags = input.imageIds.map((i) => i.imageTag);
    repo.deleteCalls.push(tags);
    const found = tags.filter((t) => repo.images.delete(t));
    return {
      imageIds: found.map((imageTag) => ({ imageTag, imageDigest: `sha256:${imageTag}` })),
      failures: tags
        .filter((t) => !found.includes(t))
        .map((imageTag) => ({ imageId: { imageTag }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' })),
    };
  });
});

const START = Date.UTC(2025, 5, 3);
const day = (n: number) => new Date(START + n * DAY);

function retire(on: Date, store: DynamoImageReferences = references): Promise<RetirementResult> {
  return retireImages({
    registry: new EcrRetirementRegistry(new ECRClient({ region: 'eu-west-1' }), IMAGE_REPOSITORY),
    references: store,
    marks: store,
    retentionDays: RETENTION,
    now: () => on,
  });
}

/** A custom image of the scope, built to success (pushed to the repository) or reusing an identical build. */
async function builtImage(scope: Scope, packages: Record<string, string[]>) {
  const admin = scope === TEAM_A ? ADMIN : scope === TEAM_B ? ADMIN_B : SYS_ADMIN;
  const { image } = await h.catalog.create(admin, scope, customImage(packages));
  const build = await latestBuildOf(h, scope, image.name);
  if (build.status !== 'succeeded') await h.service.progress(scope, image.name, build.id, { status: 'succeeded', at: h.clock.now().toISOString() });
  const done = await latestBuildOf(h, scope, image.name);
  expect(done.status).toBe('succeeded');
  if (!done.reused) repo.push(done.imageUrl!);
  return { name: image.name, url: done.imageUrl!, tag: done.imageUrl!.slice(done.imageUrl!.lastIndexOf(':') + 1), reused: done.reused };
}

const remove = (scope: Scope, name: string) => h.catalog.delete(scope, name);

describe('image retirement', () => {
  it("deletes a deleted image's build once it has been unreferenced for the retention period, and only then", async () => {
    const kept = await builtImage(TEAM_A, { pip: ['numpy'] });
    const gone = await builtImage(TEAM_A, { pip: ['pandas'] });
    await remove(TEAM_A, gone.name);

    const first = await retire(day(0));
    expect(first).toMatchObject({ checked: 2, marked: 1, waiting: 1, deleted: [] });
    expect(await retire(day(RETENTION - 1))).toMatchObject({ marked: 0, waiting: 1, deleted: [] });
    expect(repo.tags()).toEqual([gone.tag, kept.tag].sort());

    const due = await retire(day(RETENTION));

    expect(due.deleted).toEqual([gone.tag]);
    expect(repo.tags()).toEqual([kept.tag]);
  });

  it('is idempotent: a second run deletes nothing more and calls ECR to delete nothing', async () => {
    const gone = await builtImage(TEAM_A, { pip: ['pandas'] });
    await remove(TEAM_A, gone.name);
    await retire(day(0));
    await retire(day(RETENTION));
    const calls = repo.deleteCalls.length;

    const again = await retire(day(RETENTION + 1));

    expect(again).toEqual({ checked: 0, waiting: 0, marked: 0, deleted: [], rescued: [] });
    expect(repo.deleteCalls).toHaveLength(calls);
  });

  it('finishes a run that stopped after deleting from ECR (the tag is already gone)', async () => {
    const gone = await builtImage(TEAM_A, { pip: ['pandas'] });
    await remove(TEAM_A, gone.name);
    await retire(day(0));
    // ECR deleted it, the run died before clearing its mark; then it is listed no more.
    repo.images.delete(gone.tag);

    const next = await retire(day(RETENTION));

    expect(next.deleted).toEqual([]);
    expect((await references.all()).size).toBe(0);
  });

  it('never deletes an identical spec another image still points at, and deletes it once none does', async () => {
    const first = await builtImage(TEAM_A, { pip: ['scikit-learn'] });
    const second = await builtImage(TEAM_A, { pip: ['scikit-learn'] });
    expect(second).toMatchObject({ reused: true, tag: first.tag });
    await remove(TEAM_A, first.name);

    await retire(day(0));
    expect((await retire(day(RETENTION * 3))).deleted).toEqual([]);
    expect(repo.tags()).toEqual([first.tag]);

    await remove(TEAM_A, second.name);
    await retire(day(RETENTION * 3));
    expect((await retire(day(RETENTION * 4))).deleted).toEqual([first.tag]);
  });

  it("keeps a live image's older builds (its history) and a group build a system image points at", async () => {
    const image = await builtImage(TEAM_A, { pip: ['torch'] });
    // Rebuilt with a new spec: the image now points at the new tag; the old build is kept.
    const rebuilt = await h.service.rebuild(ADMIN, TEAM_A, image.name, {
      build: { baseImage: 'python:3.12-slim', packages: { pip: ['torch', 'torchvision'] } },
    });
    await h.service.progress(TEAM_A, image.name, rebuilt.id, { status: 'succeeded', at: h.clock.now().toISOString() });
    repo.push((await latestBuildOf(h, TEAM_A, image.name)).imageUrl!);
    // A group build that a system admin added to the system catalog as an existing image.
    const shared = await builtImage(TEAM_B, { apt: ['curl'] });
    await earlierCatalog().create(SYS_ADMIN, SYSTEM, { displayName: 'curl-for-all', type: 'cpu', url: shared.url });
    await remove(TEAM_B, shared.name);

    await retire(day(0));
    const later = await retire(day(RETENTION * 2));

    expect(later).toMatchObject({ checked: 3, marked: 0, deleted: [] });
    expect(repo.tags()).toHaveLength(3);
  });

  it('keeps an image a catalog image names by digest (<repository>@sha256:...)', async () => {
    const built = await builtImage(TEAM_A, { pip: ['jax'] });
    await earlierCatalog().create(SYS_ADMIN, SYSTEM, {
      displayName: 'jax-pinned',
      type: 'cpu',
      url: `${IMAGE_REPOSITORY}@${repo.images.get(built.tag)!.imageDigest}`,
    });
    await remove(TEAM_A, built.name);

    await retire(day(0));
    expect((await retire(day(RETENTION * 2))).deleted).toEqual([]);
    expect(repo.tags()).toEqual([built.tag]);
  });

  it('waits while the image is still being pulled, and leaves tags it did not write alone', async () => {
    const gone = await builtImage(TEAM_A, { pip: ['pandas'] });
    await remove(TEAM_A, gone.name);
    repo.push(`${IMAGE_REPOSITORY}:latest`);
    await retire(day(0));
    repo.push(gone.url, new Date(0), day(RETENTION + 1)); // a running workload pulled it on day 15

    expect((await retire(day(RETENTION + 2))).deleted).toEqual([]);
    expect((await retire(day(2 * RETENTION + 2))).deleted).toEqual([gone.tag]);
    expect(repo.tags()).toEqual(['latest']);
  });

  it('withdraws the reuse of a retired image: an identical spec later builds again instead of pointing at a deleted image', async () => {
    const gone = await builtImage(TEAM_A, { conda: ['numpy'] });
    await remove(TEAM_A, gone.name);
    await retire(day(0));
    await retire(day(RETENTION));
    expect(repo.tags()).toEqual([]);
    const started = h.builder.started.length;

    const again = await builtImage(TEAM_A, { conda: ['numpy'] });

    expect(again.reused).toBe(false);
    expect(h.builder.started).toHaveLength(started + 1);
    expect(repo.tags()).toEqual([gone.tag]);
  });

  it('keeps the image when a build reuses it while the run decides, and gives the reuse back', async () => {
    const gone = await builtImage(TEAM_A, { pip: ['polars'] });
    await remove(TEAM_A, gone.name);
    await retire(day(0));
    // Between the run's view of the catalog and its withdrawing the spec claim, a member of the team
    // creates an identical image: it reuses the built one.
    let racer: Awaited<ReturnType<typeof builtImage>> | undefined;
    class Racing extends DynamoImageReferences {
      override async withdrawClaim(...args: Parameters<DynamoImageReferences['withdrawClaim']>) {
        racer ??= await builtImage(TEAM_A, { pip: ['polars'] });
        return super.withdrawClaim(...args);
      }
    }

    const run = await retire(day(RETENTION), new Racing(h.db, h.table));

    expect(racer?.reused).toBe(true);
    expect(run).toMatchObject({ deleted: [], rescued: [gone.tag] });
    expect(repo.tags()).toEqual([gone.tag]);
    const started = h.builder.started.length;
    expect((await builtImage(TEAM_A, { pip: ['polars'] })).reused).toBe(true);
    expect(h.builder.started).toHaveLength(started);
  });
});
