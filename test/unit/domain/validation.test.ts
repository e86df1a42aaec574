import { describe, expect, it } from '@jest/globals';
import * as z from 'zod/mini';
import { DomainError } from '../../../lambdas/domain/errors.ts';
import { createImageBody, updateImageBody } from '../../../lambdas/domain/image.ts';
import { fieldErrors, parseOrThrow, pointer } from '../../../lambdas/domain/validation.ts';

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('the input was accepted');
}

const validCreate = { displayName: 'python', type: 'cpu', url: 'python:3.12' };

describe('pointer', () => {
  it.each([
    [[], ''],
    [['displayName'], '/displayName'],
    [['build', 'packages', 'pip', 0], '/build/packages/pip/0'],
    [['a/b'], '/a~1b'],
    [['m~n'], '/m~0n'],
    [['~/'], '/~0~1'],
    [['~1'], '/~01'],
    [[''], '/'],
  ])('renders %j as the JSON Pointer "%s"', (path, expected) => {
    // Act
    const rendered = pointer('', path);

    // Assess
    expect(rendered).toBe(expected);
  });

  it('prefixes the base, such as /query', () => {
    // Act
    const rendered = pointer('/query', ['limit']);

    // Assess
    expect(rendered).toBe('/query/limit');
  });
});

describe('parseOrThrow', () => {
  it('returns the parsed value when valid', () => {
    // Act
    const parsed = parseOrThrow(createImageBody, validCreate);

    // Assess
    expect(parsed).toEqual(validCreate);
  });

  it('names every unknown field with its own pointer', () => {
    // Act
    const error = refusal(() => parseOrThrow(createImageBody, { ...validCreate, zzz: 1, owner: 'team-b' }));

    // Assess
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual(
      expect.arrayContaining([
        { path: '/zzz', message: expect.any(String) },
        { path: '/owner', message: expect.any(String) },
      ]),
    );
    expect(error.errors).toHaveLength(2);
  });

  it('escapes "~" and "/" in unknown field names', () => {
    // Act
    const error = refusal(() => parseOrThrow(updateImageBody, { 'a/b': 1, 'c~d': 2 }));

    // Assess
    expect(error.errors.map((e) => e.path).sort()).toEqual(['/a~1b', '/c~0d']);
  });

  it('points into nested objects and arrays', () => {
    // Prepare
    const schema = z.strictObject({ build: z.strictObject({ packages: z.strictObject({ pip: z.array(z.string()) }) }) });

    // Act
    const error = refusal(() => parseOrThrow(schema, { build: { packages: { pip: ['requests', 7], npm: [] } } }));

    // Assess
    expect(error.errors.map((e) => e.path).sort()).toEqual(['/build/packages/npm', '/build/packages/pip/1']);
  });

  it('puts query parameters under the base it is given', () => {
    // Prepare
    const schema = z.strictObject({ limit: z.optional(z.string().check(z.regex(/^\d+$/))) });

    // Act
    const error = refusal(() => parseOrThrow(schema, { limit: 'abc', sort: 'name' }, '/query'));

    // Assess
    expect(error.errors.map((e) => e.path).sort()).toEqual(['/query/limit', '/query/sort']);
  });

  it('says a missing required field is required', () => {
    // Act
    const error = refusal(() => parseOrThrow(createImageBody, { type: 'cpu', url: 'python:3.12' }));

    // Assess
    expect(error.errors).toEqual([{ path: '/displayName', message: 'is required' }]);
  });

  it('lists the allowed values of an enum', () => {
    // Act
    const error = refusal(() => parseOrThrow(createImageBody, { ...validCreate, type: 'tpu' }));

    // Assess
    expect(error.errors).toEqual([{ path: '/type', message: 'must be one of "cpu", "gpu", "universal"' }]);
  });

  it('names the whole document with the empty pointer when the body is not an object', () => {
    // Act
    const error = refusal(() => parseOrThrow(createImageBody, ['python']));

    // Assess
    expect(error.errors).toEqual([{ path: '', message: expect.any(String) }]);
  });

  it('reports one error per issue, in a detail that names them', () => {
    // Act
    const error = refusal(() => parseOrThrow(createImageBody, { displayName: 'Bad Name', type: 'tpu', url: 'python:3.12' }));

    // Assess
    expect(error.errors.map((e) => e.path).sort()).toEqual(['/displayName', '/type']);
    expect(error.message).toContain('/displayName');
    expect(error.message).toContain('/type');
  });
});

describe('fieldErrors', () => {
  it('turns an unrecognized_keys issue into one error per key', () => {
    // Act
    const errors = fieldErrors([{ code: 'unrecognized_keys', keys: ['x', 'y/z'], path: ['build'], message: 'Unrecognized keys', input: {} }] as never);

    // Assess
    expect(errors).toEqual([
      { path: '/build/x', message: 'is not a known field' },
      { path: '/build/y~1z', message: 'is not a known field' },
    ]);
  });
});
