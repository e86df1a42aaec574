import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  hasWords,
  INDEXED_PREFIX_MAX,
  indexedKeysOf,
  indexKeysOf,
  keywordQuery,
  matchesKeyword,
  SEARCHED_FIELDS,
  searchWords,
  WORD_INDEX_MAX,
  WORD_INDEX_SHARES,
  wordsOf,
  type SearchedText,
} from '../../../lambdas/domain/search.ts';
import { DESCRIPTION_MAX, IMAGE_REFERENCE_MAX } from '../../../lambdas/domain/fields.ts';

const image = (fields: Partial<SearchedText>): SearchedText => ({
  name: 'img-x7k2p',
  displayName: 'img',
  description: null,
  url: null,
  urlForGpu: null,
  type: 'cpu',
  ...fields,
});

const matches = (fields: Partial<SearchedText>, q: string) => matchesKeyword(image(fields), keywordQuery(q)!);

describe('words', () => {
  it('splits on everything but letters and digits, case-folded, once each', () => {
    expect(wordsOf('registry.example.com/Stats/r-base:4.3 R r')).toEqual(['registry', 'example', 'com', 'stats', 'r', 'base', '4', '3']);
  });

  it('keeps letters of any script and folds compatibility forms (NFKC)', () => {
    expect(wordsOf('Ｄａｔａ 数据科学 Café')).toEqual(['data', '数据科学', 'café']);
  });

  it('has no words in punctuation alone, nor in nothing', () => {
    expect(wordsOf('--- ./: ')).toEqual([]);
    expect(wordsOf(null)).toEqual([]);
    expect(hasWords(' -/ ')).toBe(false);
    expect(hasWords('a')).toBe(true);
  });

  it('takes the words of every searched field', () => {
    const words = searchWords(image({ description: 'Deep Learning', url: 'pytorch/pytorch:2.3', urlForGpu: 'pytorch/pytorch:2.3-cuda', type: 'universal' }));

    expect([...words].sort()).toEqual(['2', '3', 'cuda', 'deep', 'img', 'learning', 'pytorch', 'universal', 'x7k2p'].sort());
  });
});

describe('index keys', () => {
  it('are every beginning of every word', () => {
    expect([...indexKeysOf(['r', 'base'])].sort()).toEqual(['b', 'ba', 'bas', 'base', 'r']);
  });

  it(`stop at ${INDEXED_PREFIX_MAX} characters, and count characters, not UTF-16 units`, () => {
    const keys = [...indexKeysOf(['supercalifragilistic', '😀😀'])];

    expect(keys).toContain('supercalifra');
    expect(keys.every((k) => Array.from(k).length <= INDEXED_PREFIX_MAX)).toBe(true);
    expect(keys).toEqual(expect.arrayContaining(['😀', '😀😀']));
    expect(keys.some((k) => /[\ud800-\udbff]$/.test(k))).toBe(false);
  });
});

describe('keyword query', () => {
  it('reads candidates from the longest word, cut to the indexed length', () => {
    expect(keywordQuery('py 3.12 notebook')).toEqual({ words: ['py', '3', '12', 'notebook'], indexKey: 'notebook' });
    expect(keywordQuery('supercalifragilistic')!.indexKey).toBe('supercalifra');
  });

  it('is nothing without words', () => {
    expect(keywordQuery(' - ')).toBeUndefined();
  });
});

describe('matching', () => {
  it.each([
    ['finds a word', { description: 'Deep Learning' }, 'learning', true],
    ['finds the beginning of a word', { description: 'TensorFlow 2.15' }, 'tensor', true],
    ['finds in any case', { description: 'TensorFlow' }, 'TENSORFLOW', true],
    ['finds every word, in any field and order', { displayName: 'python', url: 'python:3.12-slim' }, 'slim 3.12 py', true],
    ['finds an image url as typed', { urlForGpu: 'tensorflow/tensorflow:2.15.0-gpu' }, 'TENSORFLOW:2.15.0-GPU', true],
    ['finds the type', { type: 'universal' as const }, 'universal', true],
    ['finds the generated name', {}, 'img-x7k2p', true],
    ['does not find text inside a word', { description: 'TensorFlow' }, 'flow', false],
    ['does not find when one word is missing', { displayName: 'python', url: 'python:3.12-slim' }, 'python 3.11', false],
    ['does not find a longer word than the image has', { description: 'tensor' }, 'tensorflow', false],
    ['finds a word longer than the indexed beginnings, in full', { description: 'supercalifragilistic' }, 'supercalifragilistic', true],
    ['does not find a word that only shares the indexed beginning', { description: 'supercalifragile' }, 'supercalifragilistic', false],
  ] as [string, Partial<SearchedText>, string, boolean][])('%s', (_label, fields, q, expected) => {
    expect(matches(fields, q)).toBe(expected);
  });

  it('finds an image by any word beginning of its text, and the index holds that beginning', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat(), fc.nat(), (text, w, n) => {
        const words = wordsOf(text);
        fc.pre(words.length > 0);
        const word = Array.from(words[w % words.length]!);
        const typed = word.slice(0, 1 + (n % word.length)).join('');
        const query = keywordQuery(typed);
        fc.pre(query !== undefined && query.words.length === 1);
        expect(matchesKeyword(image({ description: text }), query!)).toBe(true);
        expect(indexKeysOf(searchWords(image({ description: text }))).has(query!.indexKey)).toBe(true);
      }),
    );
  });
});

describe('the capped word index', () => {
  const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'x', 'y', '1', '2', ' ', '.', '/', ':', '-', 'é', '数'), maxLength: max });

  it('shares WORD_INDEX_MAX among the searched fields', () => {
    // Assess
    expect(Object.keys(WORD_INDEX_SHARES).sort()).toEqual([...SEARCHED_FIELDS].sort());
    expect(Object.values(WORD_INDEX_SHARES).reduce((a, b) => a + b, 0)).toBe(WORD_INDEX_MAX);
  });

  it("never has more than WORD_INDEX_MAX entries, whatever the text, and every entry is a beginning of the image's words", () => {
    fc.assert(
      fc.property(
        text(63),
        text(63),
        text(DESCRIPTION_MAX),
        text(IMAGE_REFERENCE_MAX),
        text(IMAGE_REFERENCE_MAX),
        (name, displayName, description, url, urlForGpu) => {
          // Act
          const fields = { name, displayName, description, url, urlForGpu, type: 'universal' as const };
          const keys = indexedKeysOf(fields);

          // Assess
          expect(keys.size).toBeLessThanOrEqual(WORD_INDEX_MAX);
          const all = indexKeysOf(searchWords(fields));
          for (const key of keys) expect(all.has(key)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("indexes a field's entries from that field alone, so an edit indexes exactly the entries of the fields it sets", () => {
    fc.assert(
      fc.property(text(200), text(200), text(200), (description, url, otherUrl) => {
        // Act
        const alone = indexedKeysOf({ description });
        const beside = indexedKeysOf({ description, url });
        const besideOther = indexedKeysOf({ description, url: otherUrl });

        // Assess: the description's entries are the same whatever the url
        for (const key of alone) expect(beside.has(key) && besideOther.has(key)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps what users type findable: the type, a copied name, an image name and tag in a long url, a short description', () => {
    // Act
    const keys = indexedKeysOf({
      name: 'cuda-12-2-notebook-for-deep-learning-x7k2p',
      type: 'universal',
      url: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/images/pytorch:2.3.0-cuda12.1',
      description: 'Deep learning with CUDA and cuDNN',
    });

    // Assess
    for (const typed of ['universal', 'x7k2p', 'pytorch', 'cuda12', 'deep', 'learning', 'cudnn'])
      expect([typed, keys.has(keywordQuery(typed)!.indexKey)]).toEqual([typed, true]);
  });
});
