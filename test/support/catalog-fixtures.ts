/** Images for integration tests, created through the API itself. */
import type { Image } from '../../lambdas/domain/image.ts';
import type { LocalApi, Reply } from './local-api.ts';

export const groupImages = (group: string) => `/groups/${encodeURIComponent(group)}/images`;
export const SYSTEM_IMAGES = '/images';

export const existingImageBody = (overrides: Record<string, unknown> = {}) => ({
  displayName: 'fixture',
  type: 'cpu',
  url: 'registry.example.com/fixtures/base:1.0',
  ...overrides,
});

/** Creates an image and fails loudly unless the API answers 201. */
export async function createImage(api: LocalApi, token: string, collection: string, overrides: Record<string, unknown> = {}): Promise<Image> {
  const reply = await api.call<Image>('POST', collection, { token, body: existingImageBody(overrides) });
  if (reply.status !== 201) throw new Error(`creating a fixture image in ${collection} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Follows nextCursor until the last page; returns every page. */
export async function allPages<T = Image>(api: LocalApi, token: string, path: string, query: Record<string, string> = {}): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const params: URLSearchParams = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const reply: Reply<{ items: T[]; nextCursor: string | null }> = await api.call<{ items: T[]; nextCursor: string | null }>('GET', `${path}?${params}`, {
      token,
    });
    if (reply.status !== 200) throw new Error(`paging ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    pages.push(reply.body.items);
    cursor = reply.body.nextCursor;
    if (pages.length > 100) throw new Error(`paging ${path} did not end after 100 pages`);
  } while (cursor !== null);
  return pages;
}
