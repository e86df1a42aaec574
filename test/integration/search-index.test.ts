/**
 * The search index kept beside the images in the real DynamoDB wire protocol (dynalite): what each
 * write leaves in it, that concurrent writers never leave a word of the final image out, and what
 * faults before and after a write do. The index may hold stale entries; it must never miss one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchWriteItemCommand, QueryCommand, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { ensureTable, startEmbeddedDynamo, type EmbeddedDynamo } from '../../lambdas/local/dynamodb.ts';
import { DynamoImageStore } from '../../lambdas/store/dynamo-image-store.ts';
import { SearchIndex } from '../../lambdas/store/search-index.ts';
import { fromItem, toItem } from '../../lambdas/store/dynamo.ts';
import { partitionOf } from '../../lambdas/store/table.ts';
import { indexedKeysOf, WORD_INDEX_MAX } from '../../lambdas/domain/search.ts';
import { groupScope, type Scope } from '../../lambdas/domain/scope.ts';
import type { ImageRecord } from '../../lambdas/domain/image.ts';
import { queuedBuild } from '../../lambdas/domain/build.ts';
import { injectFaults, internalError, seeded, throttled } from '../support/sdk-faults.ts';

let dynamo: EmbeddedDynamo;
let store: DynamoImageStore;
let images = 0;

beforeAll(async () => {
  process.env.LOG_LEVEL ??= 'silent';
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, dynamo.table);
  store = new DynamoImageStore(dynamo.client, dynamo.table);
});
afterAll(() => dynamo.close());

/** A fresh group and image record for each test, so tests never see each other's entries. */
function fresh(fields: Partial<ImageRecord> = {}): { scope: Scope; image: ImageRecord } {
  const n = ++images;
  const at = new Date().toISOString();
  return {
    scope: groupScope(`search-${n}`),
    image: {
      name: `image-${n}`,
      displayName: 'tensorflow.notebook',
      description: 'Deep learning with CUDA',
      group: `search-${n}`,
      type: 'universal',
      url: 'tensorflow/tensorflow:2.15.0',
      urlForGpu: null,
      pullSecret: null,
      source: 'existing',
      buildSpec: null,
      latestBuild: null,
      createdAt: at,
      updatedAt: at,
      createdBy: 'ada',
      updatedBy: 'ada',
      version: 1,
      ...fields,
    },
  };
}

/** Every index entry in the scope's partition, as "beginning -> names". */
async function entries(scope: Scope): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.client.send(
      new QueryCommand({
        TableName: dynamo.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :w)',
        ExpressionAttributeValues: toItem({ ':pk': partitionOf(scope), ':w': 'WORD#' }),
        ExclusiveStartKey: start as never,
      }),
    );
    for (const item of out.Items ?? []) {
      const [, beginning, name] = fromItem<{ sk: string }>(item).sk.split('#');
      found.set(beginning!, [...(found.get(beginning!) ?? []), name!]);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

const beginningsOf = async (scope: Scope, name: string) =>
  new Set([...(await entries(scope))].filter(([, names]) => names.includes(name)).map(([beginning]) => beginning));

const expectedFor = (image: Partial<ImageRecord>) => indexedKeysOf(image);

describe('what writes leave in the search index', () => {
  it('indexes every beginning of every word of a new image, and nothing else', async () => {
    // Prepare
    const { scope, image } = fresh();

    // Act
    expect(await store.insert(scope, image)).toEqual({ ok: true });

    // Assess
    expect(await beginningsOf(scope, image.name)).toEqual(expectedFor(image));
    expect((await store.candidates(scope, 'tens', { limit: 10 })).names).toEqual([image.name]);
  });

  it('indexes the words an edit sets and drops the words it removes', async () => {
    // Prepare
    const { scope, image } = fresh();
    await store.insert(scope, image);

    // Act
    const result = await store.update(scope, image.name, { description: 'Gradient boosting', type: 'cpu', updatedAt: image.updatedAt, updatedBy: 'ada' }, {});

    // Assess
    expect(result.ok).toBe(true);
    const now = (await store.get(scope, image.name))!;
    expect(now.description).toBe('Gradient boosting');
    expect(await beginningsOf(scope, image.name)).toEqual(expectedFor(now));
    expect((await store.candidates(scope, 'cuda', { limit: 10 })).names).toEqual([]);
  });

  it('returns the image as the edit left it', async () => {
    // Prepare
    const { scope, image } = fresh();
    await store.insert(scope, image);

    // Act
    const result = await store.update(scope, image.name, { description: null, updatedAt: 'later', updatedBy: 'bob' }, {});

    // Assess
    expect(result).toEqual({ ok: true, value: await store.get(scope, image.name) });
  });

  it("indexes a finished build's url and drops the old one's words", async () => {
    // Prepare
    const { scope, image } = fresh({ source: 'build', url: null });
    await store.insert(scope, image);
    const build = queuedBuild({
      id: 'b1',
      image: image.name,
      group: scope.group,
      spec: image.buildSpec!,
      specHash: 'h',
      targetUrl: 't',
      createdAt: image.createdAt,
      createdBy: 'ada',
    });
    await store.beginBuild(scope, image, build, null);
    const latest = { id: 'b1', status: 'building' as const, createdAt: image.createdAt, finishedAt: null };

    // Act
    await store.finishBuild(
      scope,
      image.name,
      { ...latest, status: 'succeeded', finishedAt: image.createdAt },
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:abc123',
    );

    // Assess
    const now = (await store.get(scope, image.name))!;
    expect(await beginningsOf(scope, image.name)).toEqual(expectedFor(now));
    expect((await store.candidates(scope, 'images', { limit: 10 })).names).toEqual([image.name]);
  });

  it('drops every entry of a deleted image', async () => {
    // Prepare
    const { scope, image } = fresh();
    await store.insert(scope, image);

    // Act
    await store.remove(scope, image.name, {});

    // Assess
    expect(await entries(scope)).toEqual(new Map());
  });

  it('caps the entries of an image whose every field is as long as allowed, and finds it by the words that fit', async () => {
    // Prepare
    const description = Array.from({ length: 400 }, (_, i) => `w${i}`)
      .join(' ')
      .slice(0, 2000);
    const url = `${'registry-a'.repeat(6)}.example.com/${Array.from({ length: 40 }, (_, i) => `p${i}`).join('/')}/tensorflow:2.15.0-gpu`.slice(-512);
    const { scope, image } = fresh({ displayName: 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.0.1.2.3.4.5', description, url, urlForGpu: url });

    // Act
    await store.insert(scope, image);

    // Assess
    const indexed = await beginningsOf(scope, image.name);
    expect(indexed).toEqual(expectedFor(image));
    expect(indexed.size).toBeLessThanOrEqual(WORD_INDEX_MAX);
    for (const word of ['tensorflow', 'universal', 'w0']) expect((await store.candidates(scope, word, { limit: 10 })).names).toEqual([image.name]);
  });
});

describe('concurrent writers', () => {
  const VOCABULARY = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

  it('never leave a word of the final image out of the index', async () => {
    // Prepare: every write and read takes a random while, so the writers' steps interleave every way.
    const random = seeded(7);
    const slow = (n: number) => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * n)));
    dynamo.client.middlewareStack.add(
      (next) => async (args) => {
        await slow(12);
        const result = await next(args);
        await slow(12);
        return result;
      },
      { step: 'initialize', name: 'slowRequests' },
    );
    const rounds: { missing: string[]; stale: number }[] = [];
    try {
      for (let round = 0; round < 8; round++) {
        const { scope, image } = fresh({ description: 'alpha beta' });
        await store.insert(scope, image);

        // Act
        await Promise.all(
          Array.from({ length: 8 }, () => {
            const words = VOCABULARY.filter(() => random() < 0.4);
            return store.update(scope, image.name, { description: words.join(' ') || null, updatedAt: image.updatedAt, updatedBy: 'ada' }, {});
          }),
        );

        const final = (await store.get(scope, image.name))!;
        const indexed = await beginningsOf(scope, image.name);
        const expected = expectedFor(final);
        rounds.push({ missing: [...expected].filter((k) => !indexed.has(k)), stale: [...indexed].filter((k) => !expected.has(k)).length });
      }
    } finally {
      dynamo.client.middlewareStack.remove('slowRequests');
    }

    // Assess
    expect(rounds.flatMap((r) => r.missing)).toEqual([]);
  });
});

describe('faults', () => {
  it('leaves the image as it was when indexing before an edit fails', async () => {
    // Prepare
    const { scope, image } = fresh();
    await store.insert(scope, image);
    const faults = injectFaults(dynamo.client, 'before', (call) => (call.command === 'TransactWriteItemsCommand' ? throttled() : undefined));

    // Act
    const edit = store.update(scope, image.name, { description: 'changed', updatedAt: 'later', updatedBy: 'bob' }, {});

    // Assess
    try {
      await expect(edit).rejects.toMatchObject({ name: 'ThrottlingException' });
    } finally {
      faults.remove();
    }
    expect(await store.get(scope, image.name)).toEqual(image);
  });

  it('writes an edit and its index entries in one transaction: nothing after it can fail', async () => {
    // Prepare: every request after the edit's transaction fails
    const { scope, image } = fresh();
    await store.insert(scope, image);
    let written = false;
    const faults = injectFaults(dynamo.client, 'before', (call) => {
      if (written) return internalError();
      if (call.command === 'TransactWriteItemsCommand') written = true;
      return undefined;
    });

    // Act
    const result = await store
      .update(scope, image.name, { description: 'Gradient boosting', updatedAt: 'later', updatedBy: 'bob' }, {})
      .finally(() => faults.remove());

    // Assess
    expect(result.ok).toBe(true);
    expect(faults.injected).toEqual({});
    const indexed = await beginningsOf(scope, image.name);
    const now = (await store.get(scope, image.name))!;
    expect(now.description).toBe('Gradient boosting');
    expect([...expectedFor(now)].filter((k) => !indexed.has(k))).toEqual([]);
  });

  it('stores no image when its index entries cannot be written', async () => {
    // Prepare: the one transaction that writes the image with its entries is throttled
    const { scope, image } = fresh();
    const faults = injectFaults(dynamo.client, 'before', (call) => (call.command === 'TransactWriteItemsCommand' ? throttled() : undefined));

    // Act
    const insert = store.insert(scope, image);

    // Assess
    try {
      await expect(insert).rejects.toMatchObject({ name: 'ThrottlingException' });
    } finally {
      faults.remove();
    }
    expect(await store.get(scope, image.name)).toBeUndefined();
  });

  it('writes no entries for a new image its group has no room for', async () => {
    // Prepare
    const { scope, image } = fresh();

    // Act
    const insert = await store.insert(scope, image, { maxImages: 0 });

    // Assess
    expect(insert).toEqual({ ok: false, reason: 'image-quota' });
    expect(await store.get(scope, image.name)).toBeUndefined();
    expect(await entries(scope)).toEqual(new Map());
  });

  it('sends again what DynamoDB leaves unprocessed', async () => {
    // Prepare: the first batch comes back with all but one request unprocessed, as under throttling.
    const { scope, image } = fresh();
    let first = true;
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input: { RequestItems: Record<string, WriteRequest[]> } }).input;
        if (context.commandName !== 'BatchWriteItemCommand' || !first) return next(args);
        first = false;
        const [table, requests] = Object.entries(input.RequestItems)[0]!;
        await dynamo.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, 1) } }));
        return { output: { $metadata: {}, UnprocessedItems: { [table]: requests.slice(1) } } satisfies BatchWriteItemCommandOutput } as never;
      },
      { step: 'initialize', name: 'leaveUnprocessed' },
    );

    // Act
    try {
      await new SearchIndex(dynamo.client, dynamo.table).add(scope, image.name, indexedKeysOf(image));
    } finally {
      dynamo.client.middlewareStack.remove('leaveUnprocessed');
    }

    // Assess
    expect(first).toBe(false);
    expect(await beginningsOf(scope, image.name)).toEqual(expectedFor(image));
  });
});
