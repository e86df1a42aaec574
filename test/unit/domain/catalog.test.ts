import { beforeEach, describe, expect, it } from '@jest/globals';
import type { BuildRecord } from '../../../lambdas/domain/build.ts';
import type { FirstBuild } from '../../../lambdas/domain/build-lifecycle.ts';
import { ImageCatalog } from '../../../lambdas/domain/catalog.ts';
import { ImageCatalogWrites, type BuildStopper, type CatalogWriteDependencies, type FirstBuildStarter } from '../../../lambdas/domain/catalog-writes.ts';
import { cursorCodec } from '../../../lambdas/domain/cursor.ts';
import type { FieldPath } from '../../../lambdas/domain/errors.ts';
import type { ImageStore } from '../../../lambdas/domain/image-store.ts';
import type { ImageEdit, ImageRecord, NewImage } from '../../../lambdas/domain/image.ts';
import type { Principal } from '../../../lambdas/domain/principal.ts';
import { groupScope, SYSTEM } from '../../../lambdas/domain/scope.ts';
import { secretReferenceText, type PullSecretDirectory, type SecretRef } from '../../../lambdas/domain/tenant-references.ts';
import { readsAndWrites, type CatalogReadsAndWrites } from '../../support/catalog-reads-and-writes.ts';
import { MemoryImageStore } from '../../support/memory-image-store.ts';
import { rejection } from '../../support/rejection.ts';

const TEAM_A = groupScope('team-a');

const principal = (p: Partial<Principal> & { sub: string }): Principal => ({ groups: new Set(), adminGroups: new Set(), systemAdmin: false, ...p });
const admin = principal({ sub: 'ada', groups: new Set(['team-a']), adminGroups: new Set(['team-a']) });
const sysAdmin = principal({ sub: 'sys', systemAdmin: true });

class SecretNames implements PullSecretDirectory {
  constructor(private readonly names: string[]) {}
  async exists(ref: SecretRef) {
    return this.names.includes(secretReferenceText(ref));
  }
}

/**
 * The build lifecycle's side as these tests need it: they store no custom image through the catalog
 * (the build services' tests do, over the real lifecycle), so it is never asked to build; it records
 * which images deleting asked it to stop the builds of.
 */
class NoBuilds implements FirstBuildStarter, BuildStopper {
  readonly stopsAsked: string[] = [];
  firstBuildOf(): FirstBuild {
    throw new Error('the catalog unit tests create no custom image');
  }
  startFirstBuild(): Promise<BuildRecord> {
    throw new Error('the catalog unit tests start no build');
  }
  async stopBuildsOf(_scope: unknown, image: ImageRecord) {
    this.stopsAsked.push(image.name);
  }
}

type WriteOptions = Partial<Pick<CatalogWriteDependencies, 'maxImagesPerGroup' | 'now' | 'nameSuffix' | 'builds'>>;

/** The catalog's reads and writes over one store, the writes with the pull secret "registry-cred" and no limit unless given. */
function catalogOver(store: ImageStore, writes: WriteOptions = {}): CatalogReadsAndWrites {
  return readsAndWrites(
    new ImageCatalog({ store, cursors: cursorCodec('unit-test-key') }),
    new ImageCatalogWrites({
      store,
      secrets: new SecretNames(['registry-cred']),
      ownImages: null,
      builds: new NoBuilds(),
      maxImagesPerGroup: undefined,
      ...writes,
    }),
  );
}

let store: MemoryImageStore;
let builds: NoBuilds;
let catalog: CatalogReadsAndWrites;
let suffixes: string[];

beforeEach(() => {
  store = new MemoryImageStore();
  builds = new NoBuilds();
  suffixes = [];
  let n = 0;
  catalog = catalogOver(store, {
    builds,
    now: () => new Date(Date.UTC(2025, 0, 1, 0, 0, n++)),
    nameSuffix: () => suffixes.shift() ?? `s${String(n).padStart(4, '0')}`,
  });
});

const universal: NewImage = { displayName: 'tf', type: 'universal', url: 'tensorflow/tensorflow:2.15.0', urlForGpu: 'tensorflow/tensorflow:2.15.0-gpu' };
const cpuImage: NewImage = { displayName: 'python', type: 'cpu', url: 'python:3.12' };

/** A custom image as the build service leaves it after its first successful build. */
async function storeBuiltImage(): Promise<ImageRecord> {
  const record: ImageRecord = {
    name: 'custom-bbbbb',
    displayName: 'custom',
    description: null,
    group: 'team-a',
    type: 'cpu',
    url: 'registry.example.com/team-a/custom:abc',
    urlForGpu: null,
    pullSecret: null,
    source: 'build',
    buildSpec: { baseImage: 'python:3.12', packages: { pip: ['requests'] } },
    latestBuild: { id: 'b1', status: 'succeeded', createdAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:05:00.000Z' },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:05:00.000Z',
    createdBy: 'ada',
    updatedBy: 'ada',
    version: 3,
  };
  await store.insert(TEAM_A, record);
  return record;
}

describe('ImageCatalogWrites.create', () => {
  it('stores an existing image under a generated name with its owner and audit fields', async () => {
    // Prepare
    suffixes = ['x7k2p'];

    // Act
    const { image, etag } = await catalog.create(admin, TEAM_A, { ...cpuImage, description: 'CPython' });

    // Assess
    expect(image).toMatchObject({
      name: 'python-x7k2p',
      scope: 'group',
      group: 'team-a',
      ready: true,
      source: 'existing',
      buildSpec: null,
      latestBuild: null,
      createdBy: 'ada',
      updatedBy: 'ada',
    });
    expect(etag).toBe('"v1"');
    expect(await store.get(TEAM_A, 'python-x7k2p')).toMatchObject({ displayName: 'python', description: 'CPython', url: 'python:3.12', version: 1 });
  });

  it('tries another suffix when the generated name is taken', async () => {
    // Prepare
    suffixes = ['aaaaa'];
    await catalog.create(admin, TEAM_A, cpuImage);
    suffixes = ['aaaaa', 'bbbbb'];

    // Act
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);

    // Assess
    expect(image.name).toBe('python-bbbbb');
    expect((await store.get(TEAM_A, 'python-aaaaa'))?.createdAt).not.toBe(image.createdAt);
  });

  it('is a conflict when no free name is found, and keeps the existing image', async () => {
    // Prepare
    suffixes = ['aaaaa'];
    const first = await catalog.create(admin, TEAM_A, cpuImage);
    suffixes = ['aaaaa', 'aaaaa', 'aaaaa', 'aaaaa'];

    // Act
    const error = await rejection(catalog.create(admin, TEAM_A, { ...cpuImage, description: 'overwrite?' }));

    // Assess
    expect(error.kind).toBe('conflict');
    expect(await store.get(TEAM_A, 'python-aaaaa')).toMatchObject({ description: null, createdAt: first.image.createdAt });
  });

  it('allows the same name in another scope', async () => {
    // Prepare
    suffixes = ['aaaaa', 'aaaaa'];
    await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const { image } = await catalog.create(sysAdmin, SYSTEM, cpuImage);

    // Assess
    expect(image).toMatchObject({ name: 'python-aaaaa', scope: 'system', group: null });
  });

  // Unknown and read-only fields are the request schema's to refuse (test/unit/http/request-commands.test.ts).
  it.each<[string, NewImage, FieldPath[]]>([
    ['urlForGpu on a cpu image', { ...cpuImage, urlForGpu: 'python:3.12-cuda' }, [['urlForGpu']]],
    ['urlForGpu on a gpu image', { ...cpuImage, type: 'gpu', urlForGpu: 'python:3.12-cuda' }, [['urlForGpu']]],
    ['neither url nor build', { displayName: 'python', type: 'cpu' }, [[]]],
    ['both url and build', { ...cpuImage, build: { baseImage: 'python:3.12', packages: {} } }, [['build']]],
    ['an unknown pull secret', { ...cpuImage, pullSecret: 'nope' }, [['pullSecret']]],
    [
      'a package entry its grammar refuses',
      { displayName: 'py', type: 'cpu', build: { baseImage: 'python:3.12', packages: { pip: ['requests', '$(id)'] } } },
      [['build', 'packages', 'pip', 1]],
    ],
  ])('refuses %s as a validation error naming the field', async (_label, command, fields) => {
    // Act
    const error = await rejection(catalog.create(admin, TEAM_A, command));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors.map((e) => e.field)).toEqual(fields);
    expect((await catalog.list(TEAM_A, {})).items).toEqual([]);
  });

  it('accepts a pull secret that exists', async () => {
    // Act
    const { image } = await catalog.create(admin, TEAM_A, { ...cpuImage, pullSecret: 'registry-cred' });

    // Assess
    expect(image.pullSecret).toBe('registry-cred');
  });
});

describe('ImageCatalogWrites image quota', () => {
  const limited = () => catalogOver(store, { maxImagesPerGroup: 2 });

  it("refuses a group's image beyond its limit as quota reached, storing nothing", async () => {
    // Prepare
    const catalog = limited();
    await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const error = await rejection(catalog.create(admin, TEAM_A, cpuImage));

    // Assess
    expect(error.kind).toBe('quota');
    expect((await catalog.list(TEAM_A, {})).items).toHaveLength(2);
  });

  it('does not limit the system images', async () => {
    // Prepare
    const catalog = limited();
    for (let i = 0; i < 3; i++) await catalog.create(sysAdmin, SYSTEM, cpuImage);

    // Act
    const { image } = await catalog.create(sysAdmin, SYSTEM, cpuImage);

    // Assess
    expect(image.scope).toBe('system');
  });

  it('makes room again when an image is deleted', async () => {
    // Prepare
    const catalog = limited();
    const first = await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.delete(TEAM_A, first.image.name);

    // Act
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);

    // Assess
    expect(image.group).toBe('team-a');
  });
});

describe('ImageCatalogWrites.update', () => {
  it.each<['cpu' | 'gpu']>([['cpu'], ['gpu']])('clears urlForGpu when a universal image becomes %s', async (type) => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, universal);

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { type });

    // Assess
    expect(updated.image).toMatchObject({ type, url: universal.url, urlForGpu: null });
    expect(await store.get(TEAM_A, image.name)).toMatchObject({ type, urlForGpu: null, version: 2 });
  });

  it('keeps urlForGpu when a universal image stays universal', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, universal);

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { description: 'TensorFlow' });

    // Assess
    expect(updated.image).toMatchObject({ type: 'universal', urlForGpu: universal.urlForGpu, description: 'TensorFlow' });
  });

  it('accepts urlForGpu when the same edit makes the image universal', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { type: 'universal', urlForGpu: 'python:3.12-cuda' });

    // Assess
    expect(updated.image).toMatchObject({ type: 'universal', url: 'python:3.12', urlForGpu: 'python:3.12-cuda' });
  });

  it.each<[string, NewImage, ImageEdit]>([
    ['urlForGpu on a cpu image', cpuImage, { urlForGpu: 'python:3.12-cuda' }],
    ['urlForGpu on a gpu image', { ...cpuImage, type: 'gpu' }, { urlForGpu: 'python:3.12-cuda' }],
    ['urlForGpu while turning a universal image into cpu', universal, { type: 'cpu', urlForGpu: 'python:3.12-cuda' }],
  ])('refuses %s naming urlForGpu and changes nothing', async (_label, body, patch) => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, body);

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, patch));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual([{ field: ['urlForGpu'], message: expect.any(String) }]);
    expect(await store.get(TEAM_A, image.name)).toMatchObject({ version: 1, type: body.type });
  });

  it('refuses a url on an image a build produces', async () => {
    // Prepare
    const built = await storeBuiltImage();

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, built.name, { url: 'python:3.13' }));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual([{ field: ['url'], message: expect.any(String) }]);
    expect(await store.get(TEAM_A, built.name)).toMatchObject({ url: built.url, version: built.version });
  });

  it('refuses a urlForGpu on an image a build produces', async () => {
    // Prepare
    const built = await storeBuiltImage();

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, built.name, { type: 'universal', urlForGpu: 'python:3.13' }));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors.map((e) => e.field)).toEqual([['urlForGpu']]);
  });

  it('edits the descriptive fields of an image a build produces', async () => {
    // Prepare
    const built = await storeBuiltImage();

    // Act
    const { image } = await catalog.update(admin, TEAM_A, built.name, { displayName: 'custom.v2', description: 'with requests' });

    // Assess
    expect(image).toMatchObject({ name: built.name, displayName: 'custom.v2', description: 'with requests', url: built.url, source: 'build' });
  });

  it('refuses an empty edit', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, {}));

    // Assess
    expect(error.kind).toBe('validation');
  });

  it('removes the description when it is set to null', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, { ...cpuImage, description: 'old' });

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { description: null });

    // Assess
    expect(updated.image.description).toBeNull();
  });

  it('records who edited and when, and bumps the ETag', async () => {
    // Prepare
    const { image, etag } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const updated = await catalog.update(sysAdmin, TEAM_A, image.name, { description: 'by sys' });

    // Assess
    expect(updated.image).toMatchObject({ updatedBy: 'sys', createdBy: 'ada', createdAt: image.createdAt });
    expect(updated.image.updatedAt > image.updatedAt).toBe(true);
    expect(updated.etag).not.toBe(etag);
  });

  it('applies the edit when If-Match is "*"', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.update(admin, TEAM_A, image.name, { description: 'first' });

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { description: 'second' }, '*');

    // Assess
    expect(updated.image.description).toBe('second');
  });

  it('applies the edit when If-Match is the current ETag', async () => {
    // Prepare
    const { image, etag } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { description: 'current' }, etag);

    // Assess
    expect(updated).toMatchObject({ image: { description: 'current' }, etag: '"v2"' });
  });

  it('applies the edit when a list of ETags in If-Match contains the current one', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const updated = await catalog.update(admin, TEAM_A, image.name, { description: 'listed' }, '"v7", "v1" ,"v9"');

    // Assess
    expect(updated.image.description).toBe('listed');
  });

  it.each([
    ['a stale ETag', '"v1"'],
    ['a list of stale ETags', '"v1", "v3"'],
    ['a weak form of the current ETag', 'W/"v2"'],
    ['something that is not an ETag', 'v2'],
  ])('refuses the edit with %s as a failed precondition and changes nothing', async (_label, ifMatch) => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.update(admin, TEAM_A, image.name, { description: 'someone else' });

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, { description: 'mine' }, ifMatch));

    // Assess
    expect(error.kind).toBe('precondition-failed');
    expect(await store.get(TEAM_A, image.name)).toMatchObject({ description: 'someone else', version: 2 });
  });

  it('refuses the edit as a failed precondition when the image changes between read and write', async () => {
    // Prepare
    const { image, etag } = await catalog.create(admin, TEAM_A, cpuImage);
    store.beforeWrite = async () => {
      store.beforeWrite = undefined;
      await catalog.update(sysAdmin, TEAM_A, image.name, { description: 'in between' });
    };

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, { description: 'mine' }, etag));

    // Assess
    expect(error.kind).toBe('precondition-failed');
    expect((await store.get(TEAM_A, image.name))?.description).toBe('in between');
  });

  it('keeps both of two interleaved edits of different fields without If-Match', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);
    store.beforeWrite = async () => {
      store.beforeWrite = undefined;
      await catalog.update(sysAdmin, TEAM_A, image.name, { displayName: 'python.3' });
    };

    // Act
    await catalog.update(admin, TEAM_A, image.name, { description: 'CPython' });

    // Assess
    expect(await store.get(TEAM_A, image.name)).toMatchObject({ displayName: 'python.3', description: 'CPython', version: 3 });
  });

  it('is a conflict when the type the edit was validated against changes in between', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, universal);
    store.beforeWrite = async () => {
      store.beforeWrite = undefined;
      await catalog.update(sysAdmin, TEAM_A, image.name, { type: 'cpu' });
    };

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, { urlForGpu: 'tensorflow/tensorflow:2.16.0-gpu' }));

    // Assess
    expect(error.kind).toBe('conflict');
    expect(await store.get(TEAM_A, image.name)).toMatchObject({ type: 'cpu', urlForGpu: null });
  });

  it('is not found when the image is deleted between read and write', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);
    store.beforeWrite = async () => {
      store.beforeWrite = undefined;
      await catalog.delete(TEAM_A, image.name);
    };

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, { description: 'too late' }));

    // Assess
    expect(error.kind).toBe('not-found');
  });

  it('is not found for a name that does not exist in the scope', async () => {
    // Prepare
    const { image } = await catalog.create(sysAdmin, SYSTEM, cpuImage);

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, { description: 'x' }));

    // Assess
    expect(error.kind).toBe('not-found');
  });

  it('refuses an unknown pull secret', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const error = await rejection(catalog.update(admin, TEAM_A, image.name, { pullSecret: 'nope' }));

    // Assess
    expect(error.errors.map((e) => e.field)).toEqual([['pullSecret']]);
  });
});

describe('ImageCatalogWrites.delete', () => {
  it('deletes with the current ETag', async () => {
    // Prepare
    const { image, etag } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    await catalog.delete(TEAM_A, image.name, etag);

    // Assess
    expect(await store.get(TEAM_A, image.name)).toBeUndefined();
  });

  it('refuses a stale ETag and keeps the image', async () => {
    // Prepare
    const { image, etag } = await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.update(admin, TEAM_A, image.name, { description: 'changed' });

    // Act
    const error = await rejection(catalog.delete(TEAM_A, image.name, etag));

    // Assess
    expect(error.kind).toBe('precondition-failed');
    expect(await store.get(TEAM_A, image.name)).toBeDefined();
  });

  it('is not found the second time', async () => {
    // Prepare
    const { image } = await catalog.create(admin, TEAM_A, cpuImage);
    await catalog.delete(TEAM_A, image.name);

    // Act
    const error = await rejection(catalog.delete(TEAM_A, image.name));

    // Assess
    expect(error.kind).toBe('not-found');
  });

  it("asks the build lifecycle to stop a deleted custom image's builds, and never for an image with a url", async () => {
    // Prepare
    const built = await storeBuiltImage();
    const { image: existing } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    await catalog.delete(TEAM_A, existing.name);
    await catalog.delete(TEAM_A, built.name);

    // Assess
    expect(builds.stopsAsked).toEqual([built.name]);
  });
});

describe('ImageCatalog reads', () => {
  it('reads an image with its ETag, and answers 404 for a name it does not hold', async () => {
    // Prepare
    const { image, etag } = await catalog.create(admin, TEAM_A, cpuImage);

    // Act
    const read = await catalog.get(TEAM_A, image.name);
    const error = await rejection(catalog.get(TEAM_A, 'no-such-image'));

    // Assess
    expect([read.image.name, read.etag]).toEqual([image.name, etag]);
    expect(error.kind).toBe('not-found');
  });

  it('pages through a scope in name order without gaps or duplicates', async () => {
    // Prepare
    for (let i = 0; i < 7; i++) await catalog.create(admin, TEAM_A, { ...cpuImage, displayName: `img${i}` });

    // Act
    const first = await catalog.list(TEAM_A, { limit: 3 });
    const second = await catalog.list(TEAM_A, { limit: 3, cursor: first.nextCursor! });
    const third = await catalog.list(TEAM_A, { limit: 3, cursor: second.nextCursor! });

    // Assess
    expect([first, second, third].map((p) => p.items.map((i) => i.displayName))).toEqual([['img0', 'img1', 'img2'], ['img3', 'img4', 'img5'], ['img6']]);
    expect(third.nextCursor).toBeNull();
  });

  it('refuses a list cursor replayed with another keyword', async () => {
    // Prepare
    for (let i = 0; i < 3; i++) await catalog.create(admin, TEAM_A, { ...cpuImage, displayName: `img${i}` });
    const first = await catalog.list(TEAM_A, { limit: 1 });

    // Act
    const error = await rejection(catalog.list(TEAM_A, { limit: 1, q: 'img', cursor: first.nextCursor! }));

    // Assess
    expect(error.kind).toBe('bad-request');
  });

  it('accepts a list cursor with the same keyword in another case', async () => {
    // Prepare
    for (let i = 0; i < 3; i++) await catalog.create(admin, TEAM_A, { ...cpuImage, displayName: `img${i}` });
    const first = await catalog.list(TEAM_A, { limit: 1, q: 'img' });

    // Act
    const second = await catalog.list(TEAM_A, { limit: 1, q: 'IMG', cursor: first.nextCursor! });

    // Assess
    expect(second.items.map((i) => i.displayName)).toEqual(['img1']);
  });

  it('selects the group images then the system images, resolving the url for the instance type', async () => {
    // Prepare
    const tf = await catalog.create(admin, TEAM_A, universal);
    const cuda = await catalog.create(sysAdmin, SYSTEM, { displayName: 'cuda', type: 'gpu', url: 'nvidia/cuda:12.4.0-runtime-ubuntu22.04' });
    await catalog.create(sysAdmin, SYSTEM, cpuImage);

    // Act
    const gpu = await catalog.selection('team-a', { type: 'gpu' });

    // Assess
    expect(gpu).toEqual({
      items: [
        expect.objectContaining({ name: tf.image.name, scope: 'group', url: universal.urlForGpu, ready: true }),
        expect.objectContaining({ name: cuda.image.name, scope: 'system', url: 'nvidia/cuda:12.4.0-runtime-ubuntu22.04', ready: true }),
      ],
      nextCursor: null,
    });
  });

  it('pages the selection across the group and system images with one cursor', async () => {
    // Prepare
    for (let i = 0; i < 3; i++) await catalog.create(admin, TEAM_A, { ...cpuImage, displayName: `grp${i}` });
    for (let i = 0; i < 3; i++) await catalog.create(sysAdmin, SYSTEM, { ...cpuImage, displayName: `sys${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;

    // Act
    do {
      const page = await catalog.selection('team-a', { limit: 2, cursor });
      seen.push(...page.items.map((i) => i.displayName));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    // Assess
    expect(seen).toEqual(['grp0', 'grp1', 'grp2', 'sys0', 'sys1', 'sys2']);
  });

  it.each([
    ['without a type', {}],
    ['for gpu', { type: 'gpu' as const }],
  ])('pages a keyword selection %s across the group and system images with one cursor', async (_label, request) => {
    // Prepare
    for (let i = 0; i < 3; i++) await catalog.create(admin, TEAM_A, { ...universal, displayName: `grp${i}`, description: i === 1 ? 'other' : 'notebook' });
    for (let i = 0; i < 4; i++) await catalog.create(sysAdmin, SYSTEM, { ...universal, displayName: `sys${i}`, description: 'Notebooks' });
    const seen: string[] = [];
    let cursor: string | undefined;

    // Act
    do {
      const page = await catalog.selection('team-a', { ...request, q: 'note', limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.displayName));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    // Assess
    expect(seen).toEqual(['grp0', 'grp2', 'sys0', 'sys1', 'sys2', 'sys3']);
  });

  it('refuses a keyword without letters or digits, naming the q field', async () => {
    // Act
    const error = await rejection(catalog.list(TEAM_A, { q: '--' }));

    // Assess
    expect([error.kind, error.errors]).toEqual(['validation', [{ field: ['q'], message: 'has no letters or digits to search for' }]]);
  });
});

describe('ImageCatalog keyword pages over stale index entries', () => {
  /** An index that still names images which lost the word, or were deleted: what a failed upkeep leaves. */
  class StaleIndexStore extends MemoryImageStore {
    stale: string[] = [];
    override async candidates(...args: Parameters<MemoryImageStore['candidates']>) {
      const [, , { after, limit }] = args;
      const { names } = await super.candidates(...args);
      const all = [...new Set([...names, ...this.stale])].filter((n) => after === undefined || n > after).sort();
      const more = (await super.candidates(args[0], args[1], { after, limit: 1000 })).names.filter((n) => !names.includes(n)).length > 0;
      return { names: all.slice(0, limit), more: more || all.length > limit };
    }
  }

  it('leaves out the candidates that no longer match, and pages on after them', async () => {
    // Prepare
    const stale = new StaleIndexStore();
    const staleCatalog = catalogOver(stale, { nameSuffix: () => 'xxxxx' });
    for (const name of ['a1', 'b1', 'c1', 'd1'])
      await staleCatalog.create(admin, TEAM_A, { ...cpuImage, displayName: name, description: name === 'b1' ? 'changed' : 'notebook' });
    stale.stale = ['b1-xxxxx', 'bb-deleted'];
    const pages: string[][] = [];
    let cursor: string | undefined;

    // Act
    do {
      const page = await staleCatalog.list(TEAM_A, { q: 'notebook', limit: 2, cursor });
      pages.push(page.items.map((i) => i.displayName));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    // Assess
    expect(pages).toEqual([['a1'], ['c1'], ['d1']]);
  });
});
