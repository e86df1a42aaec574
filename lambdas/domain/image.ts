/**
 * An image in a catalog: what is stored, what the API returns, and the commands that create and
 * edit one.
 */
import { randomInt } from 'node:crypto';
import type { ImageType } from './fields.ts';
import type { BuildSpec } from './build-spec.ts';
import type { Vulnerabilities } from './image-scans.ts';

export type BuildStatus = 'queued' | 'building' | 'succeeded' | 'failed' | 'cancelled';

export interface LatestBuild {
  id: string;
  status: BuildStatus;
  createdAt: string;
  finishedAt: string | null;
  /** Issue 18: the build's scan result, once one landed (image-scans.ts). */
  vulnerabilities?: Vulnerabilities | null;
}

/** A build spec as stored: the normalised form of the request's `build` object. */
export interface StoredBuildSpec {
  baseImage: string;
  pullSecret?: string | null;
  packages: { apt?: string[]; conda?: string[]; pip?: string[] };
}

export interface ImageRecord {
  name: string;
  displayName: string;
  description: string | null;
  group: string | null;
  type: ImageType;
  url: string | null;
  urlForGpu: string | null;
  pullSecret: string | null;
  source: 'existing' | 'build';
  buildSpec: StoredBuildSpec | null;
  latestBuild: LatestBuild | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  /** Bumped on every change; the ETag is derived from it. */
  version: number;
}

export interface Image extends Omit<ImageRecord, 'version'> {
  scope: 'group' | 'system';
  ready: boolean;
}

export function toImage(r: ImageRecord): Image {
  const { version: _version, ...fields } = r;
  return { ...fields, scope: r.group === null ? 'system' : 'group', ready: r.url !== null };
}

export const etagOf = (r: Pick<ImageRecord, 'version'>) => `"v${r.version}"`;

/** The url a launch of the given instance type uses. */
export const urlFor = (r: Pick<ImageRecord, 'url' | 'urlForGpu'>, instance: 'cpu' | 'gpu') => (instance === 'gpu' ? (r.urlForGpu ?? r.url) : r.url);

/** Which image types can run on an instance type: universal images run on both. */
export const typesFor = (instance: 'cpu' | 'gpu'): ImageType[] => [instance, 'universal'];

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const NAME_SUFFIX_LENGTH = 5;
export const randomNameSuffix = () => Array.from({ length: NAME_SUFFIX_LENGTH }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');

/**
 * A DNS-1123 label derived from the display name plus a random suffix: "My.Image" -> "my-image-x7k2p".
 * Display names are already lowercase letters, digits, "-" and "."; dots become dashes.
 */
export function imageNameFor(display: string, suffix: string = randomNameSuffix()): string {
  const room = 63 - NAME_SUFFIX_LENGTH - 1;
  const base = display
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return `${base || 'image'}-${suffix}`;
}

/** A new image: an existing image's `url`, or a `build` spec (exactly one; the catalog checks the rules between fields). */
export interface NewImage {
  displayName: string;
  description?: string | null;
  type: ImageType;
  url?: string;
  urlForGpu?: string;
  pullSecret?: string | null;
  build?: BuildSpec;
}

/** An edit of an image: the fields to change (null clears an optional one). */
export interface ImageEdit {
  displayName?: string;
  description?: string | null;
  type?: ImageType;
  url?: string;
  urlForGpu?: string | null;
  pullSecret?: string | null;
}

export type ImageChanges = Partial<Pick<ImageRecord, 'displayName' | 'description' | 'type' | 'url' | 'urlForGpu' | 'pullSecret'>>;
