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
