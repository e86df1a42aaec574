/** HTTP glue for the catalog routes: request in, one catalog call, response out. */
import type { ImageCatalog } from '../domain/catalog.ts';
import { assertCanRead } from '../domain/principal.ts';
import { groupScope } from '../domain/scope.ts';
import type { ApiRequest, Operations } from './api-handler.ts';
import { groupOf, imageNameOf, keywordOf, pageQuery, parseQuery, scopeOf, selectionQuery } from './request-parts.ts';

const caller = (request: ApiRequest) => request.principal!;

export function imageReadOperations(catalog: ImageCatalog): Operations {
  return {
    listImages: async (request) => {
      // Authorization before validation: a caller who may not read the list learns nothing from a 422.
      assertCanRead(caller(request), scopeOf(request));
      const query = parseQuery(pageQuery, request);
      return { status: 200, body: await catalog.list(caller(request), scopeOf(request), { ...query, q: keywordOf(query.q) }) };
    },
    getImage: async (request) => {
      const { image, etag } = await catalog.get(caller(request), scopeOf(request), imageNameOf(request));
      return { status: 200, body: image, headers: { etag } };
    },
    imageSelection: async (request) => {
      assertCanRead(caller(request), groupScope(groupOf(request)));
      const query = parseQuery(selectionQuery, request);
      return { status: 200, body: await catalog.selection(caller(request), groupOf(request), { ...query, q: keywordOf(query.q) }) };
    },
  };
}

export function imageWriteOperations(catalog: ImageCatalog): Operations {
  return {
    createImage: async (request) => {
      const scope = scopeOf(request);
      const { image, etag } = await catalog.create(caller(request), scope, request.body);
      return { status: 201, body: image, headers: { etag, location: `${imagesPath(request)}/${image.name}` } };
    },
    updateImage: async (request) => {
      const { image, etag } = await catalog.update(caller(request), scopeOf(request), imageNameOf(request), request.body, request.headers['if-match']);
      return { status: 200, body: image, headers: { etag } };
    },
    deleteImage: async (request) => {
      await catalog.delete(caller(request), scopeOf(request), imageNameOf(request), request.headers['if-match']);
      return { status: 204 };
    },
  };
}

/** The collection path the request was made on, for Location headers. */
export const imagesPath = (request: ApiRequest) =>
  request.params.group === undefined ? '/images' : `/groups/${encodeURIComponent(request.params.group)}/images`;
