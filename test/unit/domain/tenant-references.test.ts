/**
 * What an image or a build spec may name outside itself (lambdas/domain/tenant-references.ts): pull
 * secrets of its own scope or the system's, and images of the service's repository built by its own
 * scope or the system. Another group's is refused by its text, never looked up.
 */
import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../../lambdas/domain/errors.ts';
import { groupScope, SYSTEM, type Scope } from '../../../lambdas/domain/scope.ts';
import { parseSecretReference, secretReferenceText, TenantReferences, type SecretRef } from '../../../lambdas/domain/tenant-references.ts';
import { rejection } from '../../support/rejection.ts';

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images';
const CACHE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images-cache';
const TAG_A = `sha-${'a'.repeat(32)}`;
const TAG_B = `sha-${'b'.repeat(32)}`;
const TAG_SYS = `sha-${'5'.repeat(32)}`;
const TEAM_A = groupScope('team-a');

/** Records every lookup, so a test can tell that another group's reference was never looked up. */
function references() {
  const asked: string[] = [];
  const secrets = new Set(['shared', 'team-a/ghcr', 'team-b/ghcr']);
  const built = new Map([
    ['team-a', TAG_A],
    ['team-b', TAG_B],
    ['', TAG_SYS],
  ]);
  const guard = new TenantReferences({
    secrets: { exists: async (ref: SecretRef) => (asked.push(`secret ${secretReferenceText(ref)}`), secrets.has(secretReferenceText(ref))) },
    ownImages: {
      repositories: { image: REPO, cache: CACHE },
      builtTags: { builtIn: async (scope: Scope, tag: string) => (asked.push(`tag ${scope.group ?? ''} ${tag}`), built.get(scope.group ?? '') === tag) },
    },
  });
  return { guard, asked };
}

const problemOf = async (p: Promise<unknown>) => {
  const e = await rejection(p);
  expect(e).toBeInstanceOf(DomainError);
  return (e as DomainError).errors;
};

describe('pull secret references', () => {
  it.each([
    ['shared', { group: null, name: 'shared' }],
    ['team-a/ghcr', { group: 'team-a', name: 'ghcr' }],
    ['Team.A@x_y/ghcr-1', { group: 'Team.A@x_y', name: 'ghcr-1' }],
  ])('reads %s', (text, ref) => {
    expect(parseSecretReference(text)).toEqual(ref);
    expect(secretReferenceText(ref)).toBe(text);
  });

  it.each(['', 'a/b/c', '/ghcr', 'team-a/', 'team-a/GHCR', '-x/ghcr', 'system:ghcr', '../ghcr'])('refuses %j', (text) => {
    expect(parseSecretReference(text)).toBeUndefined();
  });

  it("accepts a group's own secret and a system secret", async () => {
    const { guard } = references();
    await guard.require(TEAM_A, {
      secrets: [
        { value: 'team-a/ghcr', field: ['pullSecret'] },
        { value: 'shared', field: ['build', 'pullSecret'] },
      ],
    });
  });

  it("refuses another group's secret without looking it up, in the same words whether it exists or not", async () => {
    // Act
    const { guard, asked } = references();
    const existing = await problemOf(guard.require(TEAM_A, { secrets: [{ value: 'team-b/ghcr', field: ['pullSecret'] }] }));
    const missing = await problemOf(guard.require(TEAM_A, { secrets: [{ value: 'team-b/nothing', field: ['pullSecret'] }] }));

    // Assess
    expect(existing).toEqual(missing);
    expect(existing[0]!.field).toEqual(['pullSecret']);
    expect(asked).toEqual([]);
  });

  it("refuses a group's secret in a system image, and an unqualified name that is only a group's", async () => {
    const { guard } = references();
    expect((await problemOf(guard.require(SYSTEM, { secrets: [{ value: 'team-a/ghcr', field: ['pullSecret'] }] })))[0]!.message).toContain(
      'only a system pull secret',
    );
    expect((await problemOf(guard.require(TEAM_A, { secrets: [{ value: 'ghcr', field: ['pullSecret'] }] })))[0]!.message).toContain(
      'names no pull secret "ghcr"',
    );
  });
});

describe("images of the service's repository", () => {
  it.each([
    ['its own build', `${REPO}:${TAG_A}`],
    ["a system build's", `${REPO}:${TAG_SYS}`],
    ['another registry', `registry.example.com/group-images:${TAG_B}`],
    ['Docker Hub', 'python:3.12-slim'],
    ['a repository whose name begins like ours', `${REPO}-other:${TAG_B}`],
  ])('accepts %s', async (_what, reference) => {
    const { guard } = references();
    await guard.require(TEAM_A, { images: [{ value: reference, field: ['url'] }] });
  });

  it.each([
    ['team-b', `${REPO}:${TAG_B}`],
    ['team-b, host in upper case', `${REPO.toUpperCase().replace('GROUP-IMAGES', 'group-images')}:${TAG_B}`],
    ['team-b, with the https port', `${REPO.replace('.com/', '.com:443/')}:${TAG_B}`],
    ['by digest', `${REPO}@sha256:${'c'.repeat(64)}`],
    ['own tag with a digest', `${REPO}:${TAG_A}@sha256:${'c'.repeat(64)}`],
    ['without a tag', REPO],
    ['a tag not ours', `${REPO}:latest`],
    ['built by no one', `${REPO}:sha-${'0'.repeat(32)}`],
  ])('refuses %s, in the same words', async (_what, reference) => {
    // Act
    const { guard } = references();
    const errors = await problemOf(guard.require(TEAM_A, { images: [{ value: reference, field: ['build', 'baseImage'] }] }));

    // Assess
    expect(errors).toEqual([
      {
        field: ['build', 'baseImage'],
        message: `names an image of this service's repository that is not a build of group "team-a" or a system build's: name one by the tag such a build produced (its imageUrl)`,
      },
    ]);
  });

  it('refuses the build cache repository, and looks a tag up only in its own scope and the system one', async () => {
    // Act
    const { guard, asked } = references();
    const cache = await problemOf(guard.require(TEAM_A, { images: [{ value: `${CACHE}:scope-abc`, field: ['url'] }] }));
    await rejection(guard.require(TEAM_A, { images: [{ value: `${REPO}:${TAG_B}`, field: ['url'] }] }));

    // Assess
    expect(cache[0]!.message).toContain('build cache');
    expect(asked.sort()).toEqual([` ${TAG_B}`, `team-a ${TAG_B}`].map((s) => `tag ${s}`).sort());
  });

  it('lets a system image name system builds only', async () => {
    const { guard } = references();
    await guard.require(SYSTEM, { images: [{ value: `${REPO}:${TAG_SYS}`, field: ['url'] }] });
    await rejection(guard.require(SYSTEM, { images: [{ value: `${REPO}:${TAG_A}`, field: ['url'] }] }));
  });

  it('treats 127.0.0.1 and localhost as one local registry', async () => {
    const local = new TenantReferences({
      secrets: { exists: async () => false },
      ownImages: { repositories: { image: 'localhost:5000/group-images', cache: '' }, builtTags: { builtIn: async () => false } },
    });
    await rejection(local.require(TEAM_A, { images: [{ value: `127.0.0.1:5000/group-images:${TAG_B}`, field: ['url'] }] }));
    await local.require(TEAM_A, { images: [{ value: `127.0.0.1:5001/group-images:${TAG_B}`, field: ['url'] }] });
  });
});
