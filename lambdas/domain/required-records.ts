/**
 * An image or a build that must exist, else the 404 every read and write answers alike. A module of its
 * own so that the catalog, its writes and the build services share it without importing each other.
 */
import type { BuildRecord } from './build.ts';
import type { BuildStore } from './build-store.ts';
import { notFound } from './errors.ts';
import type { ImageStore } from './image-store.ts';
import type { ImageRecord } from './image.ts';
import { describeScope, type Scope } from './scope.ts';

/** The 404 for an image the scope has none of: every read and write says it alike. */
export const imageNotFound = (scope: Scope, name: string) => notFound(`no image "${name}" in ${describeScope(scope)}`);

/** The build (404 when the scope's image has none of that id). */
export async function requireBuild(builds: BuildStore, scope: Scope, name: string, buildId: string): Promise<BuildRecord> {
  const build = await builds.get(scope, name, buildId);
  if (!build) throw notFound(`no build "${buildId}" of image "${name}" in ${describeScope(scope)}`);
  return build;
}

/** The image (404 when the scope has none of that name). */
export async function requireImage(images: Pick<ImageStore, 'get'>, scope: Scope, name: string): Promise<ImageRecord> {
  const image = await images.get(scope, name);
  if (!image) throw imageNotFound(scope, name);
  return image;
}
