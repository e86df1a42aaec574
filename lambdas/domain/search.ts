/**
 * Keyword search by words. An image's words are the runs of letters and digits in its name,
 * displayName, description, url, urlForGpu and type, case-folded; a keyword matches an image when
 * every word of the keyword begins one of the image's words ("tensor" finds "TensorFlow 2.15",
 * "py 3.12" finds "python:3.12-slim"). Substrings inside a word ("flow") do not match.
 *
 * Storage keeps an index from word beginnings to image names, so that a search reads in proportion
 * to its page, not to the catalog. The index may hold entries that no longer match (it is cleaned
 * after the image is written); every candidate is checked again against the image itself.
 */
import type { ImageRecord } from './image.ts';

export const SEARCHED_FIELDS = ['name', 'displayName', 'description', 'url', 'urlForGpu', 'type'] as const;
export type SearchedText = Pick<ImageRecord, (typeof SEARCHED_FIELDS)[number]>;

/**
 * Beginnings longer than this are indexed by their first INDEXED_PREFIX_MAX characters; a longer
 * keyword word is looked up by those and checked in full. Bounds the index entries per word.
 */
export const INDEXED_PREFIX_MAX = 12;

const SEPARATORS = /[^\p{L}\p{M}\p{N}]+/u;

/** The distinct words of a text, case-folded (NFKC, lowercase). */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.normalize('NFKC').toLowerCase().split(SEPARATORS).filter(Boolean))];
}

/** Whether a keyword has anything to search for. */
export const hasWords = (keyword: string) => wordsOf(keyword).length > 0;

/** A word's first `length` characters, by code point (never half a surrogate pair). */
const beginning = (word: string, length: number) => Array.from(word).slice(0, length).join('');

/** The words of an image, or of the fields a change sets. */
export function searchWords(fields: Partial<SearchedText>): Set<string> {
  return new Set(SEARCHED_FIELDS.flatMap((field) => wordsOf(fields[field])));
}

/** The index entries for a set of words: every beginning of every word, up to INDEXED_PREFIX_MAX characters. */
export function indexKeysOf(words: Iterable<string>): Set<string> {
  const keys = new Set<string>();
  for (const word of words) {
    const chars = Array.from(word);
    for (let length = 1; length <= Math.min(chars.length, INDEXED_PREFIX_MAX); length++) keys.add(chars.slice(0, length).join(''));
  }
  return keys;
}

/**
 * The most word-index entries one image has, whatever its text: it bounds the items a create or an
 * edit writes (README, Reliability). Each searched field has a share of it (WORD_INDEX_SHARES).
 * 128 rather than 64: at 64 a four-word description or a registry url no longer fit their shares.
 */
export const WORD_INDEX_MAX = 128;

/**
 * Each searched field's share of WORD_INDEX_MAX. Shares rather than one budget spent in field order:
 * a field's entries then depend on that field alone, so an edit indexes exactly the entries of the
 * fields it sets, and the store's ordering (index before the write, clean up after) stays exact.
 */
export const WORD_INDEX_SHARES: Readonly<Record<(typeof SEARCHED_FIELDS)[number], number>> = {
  name: 12, // the random suffix (a copied name is found by it), then the display name's words again
  displayName: 24,
  type: 9, // "universal" has 9 beginnings: every type stays searchable
  url: 32,
  urlForGpu: 16,
  description: 35,
};

/** Which words of a field are indexed first: the ones a user most likely types. */
const INDEX_ORDER: Partial<Record<(typeof SEARCHED_FIELDS)[number], (text: string) => string[]>> = {
  // "tf-2-15-x7k2p": the suffix, then the display name's words from the end.
  name: (text) => wordsOf(text).reverse(),
  // "registry.example.com:5000/team/tensorflow:2.15-gpu": the image's own name, its tag, its path, its registry.
  url: urlWordsInOrder,
  urlForGpu: urlWordsInOrder,
};

function urlWordsInOrder(reference: string): string[] {
  const [named] = reference.split('@', 1) as [string];
  const parts = named.split('/');
  const last = parts.pop()!;
  const colon = last.indexOf(':');
  const [repository, tag] = colon < 0 ? [last, ''] : [last.slice(0, colon), last.slice(colon + 1)];
  return [...new Set([repository, tag, ...parts.reverse(), reference].flatMap(wordsOf))];
}

/**
 * The index entries of an image, or of the fields a change sets: per field, its words (most likely
 * typed first), each with all its beginnings (a word is found by any beginning or not at all),
 * skipping a word that no longer fits the field's share. A search does not find a word that did not
 * fit (the image's own text is still returned and checked in full).
 */
export function indexedKeysOf(fields: Partial<SearchedText>): Set<string> {
  const keys = new Set<string>();
  for (const field of SEARCHED_FIELDS) {
    const text = fields[field];
    if (!text) continue;
    const own = new Set<string>();
    for (const word of INDEX_ORDER[field]?.(text) ?? wordsOf(text)) {
      const added = [...indexKeysOf([word])].filter((b) => !own.has(b));
      if (own.size + added.length > WORD_INDEX_SHARES[field]) continue;
      for (const b of added) own.add(b);
    }
    for (const b of own) keys.add(b);
  }
  return keys;
}

export interface KeywordQuery {
  /** The keyword's words; an image must have a word beginning with each. */
  words: string[];
  /** The index entry to read candidates from: the longest word's (the most selective guess). */
  indexKey: string;
}

/** Reads a keyword; undefined when it has no words (nothing to search for). */
export function keywordQuery(keyword: string): KeywordQuery | undefined {
  const words = wordsOf(keyword);
  if (words.length === 0) return undefined;
  const longest = words.reduce((a, b) => (Array.from(b).length > Array.from(a).length ? b : a));
  return { words, indexKey: beginning(longest, INDEXED_PREFIX_MAX) };
}

/** Whether every word of the query begins a word of the image. */
export function matchesKeyword(image: Partial<SearchedText>, query: KeywordQuery): boolean {
  const own = [...searchWords(image)];
  return query.words.every((w) => own.some((word) => word.startsWith(w)));
}
