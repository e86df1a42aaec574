/**
 * Typed calls to the Group Images API with nothing but `fetch` and the generated types
 * (client/generated/portal-api.ts, from client/generated/openapi.json). tsc checks this file, and an integration test runs it
 * against the local server.
 */
import type { CreateImage, Image, paths, Problem, SelectionPage } from './generated/portal-api.ts';

/** An error answer of the API: its RFC 9457 problem details. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new ApiProblem((await response.json()) as Problem);
  return (await response.json()) as T;
}

/** POST /groups/{group}/images: add an existing image, or start building a custom one. */
export async function addGroupImage(api: string, token: string, group: string, image: CreateImage): Promise<Image> {
  const response = await fetch(`${api}/groups/${encodeURIComponent(group)}/images`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(image),
  });
  return json<Image>(response);
}

type SelectionQuery = NonNullable<paths['/groups/{group}/image-selection']['get']['parameters']['query']>;

/** GET /groups/{group}/image-selection: what a member of the group can launch on an instance type. */
export async function imageSelection(api: string, token: string, group: string, query: SelectionQuery = {}): Promise<SelectionPage> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const response = await fetch(`${api}/groups/${encodeURIComponent(group)}/image-selection?${search}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return json<SelectionPage>(response);
}

/** For instance: a group admin adds a GPU image, and members see it among what they can launch. */
export async function example(api: string, adminToken: string, memberToken: string): Promise<string[]> {
  const added = await addGroupImage(api, adminToken, 'team-a', {
    displayName: 'pytorch-2.3',
    type: 'gpu',
    url: 'registry.example.com/ml/pytorch:2.3.0-cuda12.1',
  });
  const { items } = await imageSelection(api, memberToken, 'team-a', { type: 'gpu', q: added.displayName });
  return items.filter((i) => i.ready).map((i) => `${i.displayName} (${i.scope}): ${i.url}`);
}
