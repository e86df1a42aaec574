/** HTTP glue for the pull secret routes: the system's (`/secrets`) and a group's (`/groups/{group}/secrets`). */
import type { PullSecrets } from '../domain/pull-secrets.ts';
import { secretLister, secretManager } from './access.ts';
import type { ApiRequest, Operations } from './api-handler.ts';
import { groupOf, parseBody, secretNameToStoreOf } from './request-parts.ts';
import { registryLoginBody } from './request-schemas.ts';

const secretPath = (group: string | null, name: string) => `${group === null ? '' : `/groups/${encodeURIComponent(group)}`}/secrets/${name}`;

export function secretOperations(secrets: PullSecrets): Operations {
  const put = async (request: ApiRequest, group: string | null) => {
    secretManager(request, group);
    const name = secretNameToStoreOf(request);
    const login = parseBody(registryLoginBody, request);
    const { created, secret } = await secrets.put(group, name, login);
    return created ? { status: 201, body: secret, headers: { location: secretPath(group, name) } } : { status: 200, body: secret };
  };
  const remove = async (request: ApiRequest, group: string | null) => {
    secretManager(request, group);
    await secrets.delete(group, request.params.name ?? '');
    return { status: 204 };
  };
  const listGroup = async (request: ApiRequest) => {
    const group = groupOf(request);
    secretManager(request, group);
    return { status: 200, body: await secrets.list(group) };
  };
  return {
    listSecrets: async (request) => {
      secretLister(request);
      return { status: 200, body: await secrets.list(null) };
    },
    putSecret: (request) => put(request, null),
    deleteSecret: (request) => remove(request, null),
    listGroupSecrets: listGroup,
    putGroupSecret: (request) => put(request, groupOf(request)),
    deleteGroupSecret: (request) => remove(request, groupOf(request)),
  };
}
