/**
 * Pull secret references, held in the same transactions as the image writes that make them (over the
 * real stores on DynamoDB Local): a secret in use cannot be retired (the step before its delete), and a
 * secret being deleted cannot gain a user, whatever the order in which the two meet.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewImage } from '../../lambdas/domain/image.ts';
import { DynamoSecretReferences } from '../../lambdas/store/secret-references.ts';
import { ADMIN, customImage, harnessFactory, TEAM_A, type Harness } from '../support/build-service-harness.ts';

process.env.LOG_LEVEL ??= 'silent';

const factory = harnessFactory();
let h: Harness;
let references: DynamoSecretReferences;
beforeAll(async () => {
  await factory.start();
  h = await factory.harness();
  references = new DynamoSecretReferences(h.dynamo.client, h.dynamo.table);
});
afterAll(() => factory.stop());

const existing = (n: number, pullSecret: string): NewImage => ({
  displayName: `private.${n}`,
  type: 'cpu',
  url: `registry.example.com/private/image:${n}`,
  pullSecret,
});

/** A secret the secrets store knows and has declared. */
async function secret(name: string) {
  h.secrets.names.add(name);
  await references.declare(name);
  return name;
}

describe('a pull secret in use', () => {
  it('is not retired while an image or a build spec names it, and is once they are gone', async () => {
    // Prepare
    const name = await secret('in-use');
    const { image: running } = await h.catalog.create(ADMIN, TEAM_A, existing(1, name));
    const { image: built } = await h.catalog.create(ADMIN, TEAM_A, customImage({ pip: ['private-package'] }, { pullSecret: name }));

    // Act
    const whileBoth = await references.retire(name);
    await h.catalog.delete(TEAM_A, running.name);
    const whileBuilt = await references.retire(name);
    await h.catalog.delete(TEAM_A, built.name);
    const afterBoth = await references.retire(name);

    // Assess
    expect([whileBoth, whileBuilt, afterBoth]).toEqual([false, false, true]);
  });

  it('follows an edit that names another secret', async () => {
    // Prepare
    const [before, after] = [await secret('edited-from'), await secret('edited-to')];
    const { image } = await h.catalog.create(ADMIN, TEAM_A, existing(2, before));

    // Act
    await h.catalog.update(ADMIN, TEAM_A, image.name, { pullSecret: after });

    // Assess
    expect(await references.retire(after)).toBe(false);
    expect(await references.retire(before)).toBe(true);
  });
});

describe('a secret deleted while an image starts using it', () => {
  it('ends either deleted with no image naming it, or kept with the image: never both', async () => {
    const outcomes = { deleted: 0, kept: 0 };
    for (let round = 0; round < 20; round++) {
      // Prepare
      const name = await secret(`racing-${round}`);

      // Act: the retire (a delete's first step) and a create naming the secret, at once
      const [retired, created] = await Promise.all([
        references.retire(name),
        h.catalog.create(ADMIN, TEAM_A, existing(100 + round, name)).then(
          () => true,
          (e: { kind?: string }) => e.kind,
        ),
      ]);

      // Assess
      if (retired) {
        expect(created).toBe('validation');
        outcomes.deleted++;
      } else {
        expect(created).toBe(true);
        outcomes.kept++;
      }
      const naming = (await h.images.page(TEAM_A, { limit: 100 })).items.filter((i) => i.pullSecret === name);
      expect(naming).toHaveLength(retired ? 0 : 1);
    }
    expect(outcomes.deleted + outcomes.kept).toBe(20);
  });
});
