/**
 * HTTP glue for the catalog routes: authorize the caller (access.ts), parse the request into the
 * catalog's command (request-parts.ts), one catalog call, response out.
 */
import type { ImageCatalog } from '../domain/catalog.ts';
import type { ImageCatalogWrites } from '../domain/catalog-writes.ts';
import { groupScope } from '../domain/scope.ts';
import { reader, writer } from './access.ts';
import type { ApiRequest, Operations } from './api-handler.ts';
import { groupOf, imageNameOf, keywordOf, parseBody, parseQuery, scopeOf } from './request-parts.ts';
import { createImageBody, pageQuery, selectionQuery, updateImageBody } from './request-schemas.ts';
import { answeringAt, inBody, inQuery } from './request-validation.ts';

export function imageReadOperations(catalog: ImageCatalog): Operations {
  return {
    listImages: async (request) => {
      const scope = scopeOf(request);
      reader(request, scope);
      const query = parseQuery(pageQuery, request);
      return { status: 200, body: await answeringAt(inQuery, () => catalog.list(scope, { ...query, q: keywordOf(query.q) })) };
    },
    getImage: async (request) => {
      const [scope, name] = [scopeOf(request), imageNameOf(request)];
      reader(request, scope);
      const { image, etag } = await catalog.get(scope, name);
      return { status: 200, body: image, headers: { etag } };
    },
    imageSelection: async (request) => {
      const group = groupOf(request);
      reader(request, groupScope(group));
      const query = parseQuery(selectionQuery, request);
      return { status: 200, body: await answeringAt(inQuery, () => catalog.selection(group, { ...query, q: keywordOf(query.q) })) };
    },
  };
}

export function imageWriteOperations(catalog: ImageCatalogWrites): Operations {
  return {
    createImage: async (request) => {
      const scope = scopeOf(request);
      const caller = writer(request, scope);
      const command = parseBody(createImageBody, request);
      const { image, etag } = await answeringAt(inBody, () => catalog.create(caller, scope, command));
      return { status: 201, body: image, headers: { etag, location: `${imagesPath(request)}/${image.name}` } };
    },
    updateImage: async (request) => {
      const [scope, name] = [scopeOf(request), imageNameOf(request)];
      const caller = writer(request, scope);
      const edit = parseBody(updateImageBody, request);
      const { image, etag } = await answeringAt(inBody, () => catalog.update(caller, scope, name, edit, request.headers['if-match']));
      return { status: 200, body: image, headers: { etag } };
    },
    deleteImage: async (request) => {
      const [scope, name] = [scopeOf(request), imageNameOf(request)];
      writer(request, scope);
      await catalog.delete(scope, name, request.headers['if-match']);
      return { status: 204 };
    },
  };
}

/** The collection path the request was made on, for Location headers. */
export const imagesPath = (request: ApiRequest) =>
  request.params.group === undefined ? '/images' : `/groups/${encodeURIComponent(request.params.group)}/images`;
