import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IMAGE_NAME } from '../../../lambdas/domain/fields.ts';
import { imageNameFor, NAME_SUFFIX_LENGTH, randomNameSuffix } from '../../../lambdas/domain/image.ts';

/** DNS-1123 label: lowercase alphanumerics and "-", starting and ending alphanumeric, 1 to 63 characters. */
const DNS_1123_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

describe('imageNameFor', () => {
  it.each([
    ['python', 'python-x7k2p'],
    ['my.image', 'my-image-x7k2p'],
    ['tf.2.15-gpu', 'tf-2-15-gpu-x7k2p'],
    ['a..b--c', 'a-b-c-x7k2p'],
    ['.hidden.', 'hidden-x7k2p'],
    ['-leading-and-trailing-', 'leading-and-trailing-x7k2p'],
    ['0', '0-x7k2p'],
  ])('derives a DNS label from "%s"', (display, expected) => {
    // Act
    const name = imageNameFor(display, 'x7k2p');

    // Assess
    expect(name).toBe(expected);
  });

  it.each([['.'], ['...'], ['-'], ['.-.-']])('falls back to "image" when "%s" reduces to nothing', (display) => {
    // Act
    const name = imageNameFor(display, 'x7k2p');

    // Assess
    expect(name).toBe('image-x7k2p');
  });

  it('shortens a 63-character display name to a 63-character label', () => {
    // Prepare
    const display = 'a'.repeat(63);

    // Act
    const name = imageNameFor(display, 'x7k2p');

    // Assess
    expect(name).toBe(`${'a'.repeat(57)}-x7k2p`);
    expect(name).toHaveLength(63);
  });

  it('does not leave a dash where the cut falls after a dot', () => {
    // Prepare: the 57-character cut ends right after a dot
    const display = `${'a'.repeat(56)}.bbbbbb`;

    // Act
    const name = imageNameFor(display, 'x7k2p');

    // Assess
    expect(name).toBe(`${'a'.repeat(56)}-x7k2p`);
    expect(name).toMatch(DNS_1123_LABEL);
  });

  it('gives a DNS-1123 label of at most 63 characters for every valid display name', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.-]{1,63}$/), (display) => {
        // Act
        const name = imageNameFor(display);

        // Assess
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(DNS_1123_LABEL);
        expect(name).toMatch(IMAGE_NAME);
      }),
    );
  });

  it('ends with a random suffix of the documented length', () => {
    // Act
    const suffixes = new Set(Array.from({ length: 50 }, () => randomNameSuffix()));

    // Assess
    for (const suffix of suffixes) expect(suffix).toMatch(new RegExp(`^[a-z0-9]{${NAME_SUFFIX_LENGTH}}$`));
    expect(suffixes.size).toBeGreaterThan(45);
  });
});
