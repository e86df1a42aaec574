/** The HTTP edge's parsing of request parts into commands, and the pointers its 422s name fields by. */
import { describe, expect, it } from '@jest/globals';
import * as z from 'zod/mini';
import { invalid, invalidField } from '../../../lambdas/domain/errors.ts';
import { fieldErrors } from '../../../lambdas/domain/validation.ts';
import { createImageBody, rebuildBody, secretNameToStore, updateImageBody } from '../../../lambdas/http/request-schemas.ts';
import { answeringAt, inBody, inPath, inQuery, InvalidRequest, parsePart, pointer } from '../../../lambdas/http/request-validation.ts';

function refusal(run: () => unknown): InvalidRequest {
  try {
    run();
  } catch (e) {
    if (e instanceof InvalidRequest) return e;
    throw e;
  }
  throw new Error('the input was accepted');
}

const parseOrThrow = <S extends z.ZodMiniType>(schema: S, input: unknown, origin = inBody) => parsePart(schema, input, origin);

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

  it('puts query parameters under /query', () => {
    // Prepare
    const schema = z.strictObject({ limit: z.optional(z.string().check(z.regex(/^\d+$/))) });

    // Act
    const error = refusal(() => parseOrThrow(schema, { limit: 'abc', sort: 'name' }, inQuery));

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

  it('names the whole document with the empty pointer when the body is not an object, or missing', () => {
    // Act
    const array = refusal(() => parseOrThrow(createImageBody, ['python']));
    const missing = refusal(() => parseOrThrow(createImageBody, undefined));

    // Assess
    expect(array.errors).toEqual([{ path: '', message: 'must be a JSON object, not an array' }]);
    expect(missing.errors).toEqual([{ path: '', message: 'is missing: send a JSON object (Content-Type: application/json)' }]);
    expect(missing.message).toBe('the body is missing: send a JSON object (Content-Type: application/json)');
  });

  it.each([
    ['name', true, ['/name']],
    ['scope', 'group', ['/scope']],
    ['createdBy', 'x', ['/createdBy']],
    ['version', 7, ['/version']],
  ])('refuses the read-only field %s in an edit', (field, value, paths) => {
    // Act
    const error = refusal(() => parseOrThrow(updateImageBody, { description: 'x', [field]: value }));

    // Assess
    expect(error.errors.map((e) => e.path)).toEqual(paths);
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

describe('the request schemas', () => {
  it('refuses a lockedFrom that is no build id, before any lookup', () => {
    // Act
    const error = refusal(() => parseOrThrow(rebuildBody, { lockedFrom: '$(id)' }));

    // Assess
    expect(error.errors).toEqual([{ path: '/lockedFrom', message: 'must be a build id' }]);
  });

  it('refuses a secret name to store under /path/name, with the rule it breaks', () => {
    // Act
    const error = refusal(() => parsePart(secretNameToStore, 'Bad_Name', (field) => inPath(['name', ...field])));

    // Assess
    expect(error.errors).toEqual([
      {
        path: '/path/name',
        message: 'the secret name in the path must be 1 to 63 lowercase letters, digits and "-", starting and ending with a letter or digit',
      },
    ]);
  });
});

describe('fieldErrors (the domain names fields by their path, never by a pointer)', () => {
  it('turns an unrecognized_keys issue into one error per key', () => {
    // Act
    const errors = fieldErrors([{ code: 'unrecognized_keys', keys: ['x', 'y/z'], path: ['build'], message: 'Unrecognized keys', input: {} }] as never);

    // Assess
    expect(errors).toEqual([
      { field: ['build', 'x'], message: 'is not a known field' },
      { field: ['build', 'y/z'], message: 'is not a known field' },
    ]);
  });
});

describe('answeringAt', () => {
  const refusedWith = async (origin: typeof inBody, run: () => Promise<unknown>) => {
    const error = await answeringAt(origin, run).catch((e: unknown) => e);
    if (!(error instanceof InvalidRequest)) throw new Error(`expected an InvalidRequest, got ${String(error)}`);
    return error;
  };

  it.each([
    ['the body', inBody, ['build', 'packages', 'pip', 3], '/build/packages/pip/3'],
    ['the query', inQuery, ['q'], '/query/q'],
    ['the path', inPath, ['name'], '/path/name'],
    ['the body as a whole', inBody, [], ''],
  ])("points a domain refusal at the field's place in %s", async (_label, origin, field, path) => {
    // Act
    const error = await refusedWith(origin, async () => invalidField(field, 'is wrong'));

    // Assess
    expect(error.errors).toEqual([{ path, message: 'is wrong' }]);
  });

  it('says every refused field in its detail, as the 422 states it', async () => {
    // Act
    const error = await refusedWith(inBody, async () => {
      throw invalid([
        { field: [], message: 'must name at least one field to change' },
        { field: ['urlForGpu'], message: 'is only accepted for universal images' },
      ]);
    });

    // Assess
    expect(error.message).toBe('the body must name at least one field to change; /urlForGpu: is only accepted for universal images');
  });

  it('lets every other failure through unchanged', async () => {
    // Prepare
    const failure = new Error('storage is down');

    // Act
    const error = await answeringAt(inQuery, () => Promise.reject(failure)).catch((e: unknown) => e);

    // Assess
    expect(error).toBe(failure);
  });
});
