/** HTTP glue for the pull secret routes: the system's (`/secrets`) and a group's (`/groups/{group}/secrets`). */
import type { PullSecrets } from '../domain/pull-secrets.ts';
import type { ApiRequest, Operations } from './api-handler.ts';
import { groupOf } from './request-parts.ts';

const secretPath = (group: string | null, name: string) => `${group === null ? '' : `/groups/${encodeURIComponent(group)}`}/secrets/${name}`;

export function secretOperations(secrets: PullSecrets): Operations {
  const put = async (request: ApiRequest, group: string | null) => {
    const name = request.params.name ?? '';
    const { created, secret } = await secrets.put(request.principal!, group, name, request.body);
    return created ? { status: 201, body: secret, headers: { location: secretPath(group, name) } } : { status: 200, body: secret };
  };
  const remove = async (request: ApiRequest, group: string | null) => {
    await secrets.delete(request.principal!, group, request.params.name ?? '');
    return { status: 204 };
  };
  return {
    listSecrets: async (request) => ({ status: 200, body: await secrets.list(request.principal!) }),
    putSecret: (request) => put(request, null),
    deleteSecret: (request) => remove(request, null),
    listGroupSecrets: async (request) => ({ status: 200, body: await secrets.listGroup(request.principal!, groupOf(request)) }),
    putGroupSecret: (request) => put(request, groupOf(request)),
    deleteGroupSecret: (request) => remove(request, groupOf(request)),
  };
}
