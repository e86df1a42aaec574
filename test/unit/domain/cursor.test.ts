import { describe, expect, it } from '@jest/globals';
import { cursorCodec } from '../../../lambdas/domain/cursor.ts';
import { DomainError } from '../../../lambdas/domain/errors.ts';

const codec = cursorCodec('test-key-0123456789abcdef');
const binding = 'images|team-a|';

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('the cursor was accepted');
}

/** Replaces the character at `index` with another base64url character. */
const flip = (text: string, index: number) => text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);

describe('cursorCodec', () => {
  it.each([
    ['a name', 'python-3-12-ab12c'],
    ['a structured position', { s: 'system', after: 'r-4-3-zz9yx' }],
    ['a position with unicode', { after: 'naïve ✓' }],
  ])('round-trips %s', (_label, position) => {
    // Prepare
    const cursor = codec.encode(binding, position);

    // Act
    const decoded = codec.decode(binding, cursor);

    // Assess
    expect(decoded).toEqual(position);
  });

  it('gives an opaque, URL-safe token that does not show the position in clear', () => {
    // Act
    const cursor = codec.encode(binding, 'python-3-12-ab12c');

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('python');
  });

  it('refuses a cursor whose payload was altered', () => {
    // Prepare
    const cursor = codec.encode(binding, 'python-3-12-ab12c');
    const [payload, signature] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), p: 'zzz' })).toString('base64url');

    // Act
    const error = refusal(() => codec.decode(binding, `${forged}.${signature}`));

    // Assess
    expect(error.kind).toBe('bad-request');
  });

  it.each([
    ['a flipped payload character', (c: string) => flip(c, 3)],
    ['a flipped signature character', (c: string) => flip(c, c.indexOf('.') + 5)],
    ['a truncated signature', (c: string) => c.slice(0, -4)],
    ['no signature', (c: string) => c.split('.')[0]!],
    ['an extra segment', (c: string) => `${c}.AAAA`],
    ['an empty string', () => ''],
    ['garbage', () => 'not-a-cursor'],
    ['a lone dot', () => '.'],
  ])('refuses a cursor with %s as a bad request', (_label, tamper) => {
    // Prepare
    const cursor = tamper(codec.encode(binding, 'python-3-12-ab12c'));

    // Act
    const error = refusal(() => codec.decode(binding, cursor));

    // Assess
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('bad-request');
  });

  it('refuses a cursor produced for another binding (scope, list or query)', () => {
    // Prepare
    const cursor = codec.encode('images|team-a|', 'python-3-12-ab12c');

    // Act
    const errors = ['images|team-b|', 'images||', 'images|team-a|python', 'selection|team-a||'].map((other) => refusal(() => codec.decode(other, cursor)));

    // Assess
    expect(errors.map((e) => e.kind)).toEqual(['bad-request', 'bad-request', 'bad-request', 'bad-request']);
  });

  it('refuses a cursor signed with another key', () => {
    // Prepare
    const cursor = cursorCodec('another-key').encode(binding, 'python-3-12-ab12c');

    // Act
    const error = refusal(() => codec.decode(binding, cursor));

    // Assess
    expect(error.kind).toBe('bad-request');
  });
});
