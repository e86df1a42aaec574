/** HTTP glue for the pull secret routes. */
import type { PullSecrets } from '../domain/pull-secrets.ts';
import type { Operations } from './api-handler.ts';

export function secretOperations(secrets: PullSecrets): Operations {
  return {
    listSecrets: async (request) => ({ status: 200, body: await secrets.list(request.principal!) }),
    putSecret: async (request) => {
      const name = request.params.name ?? '';
      const { created, secret } = await secrets.put(request.principal!, name, request.body);
      return created ? { status: 201, body: secret, headers: { location: `/secrets/${name}` } } : { status: 200, body: secret };
    },
    deleteSecret: async (request) => {
      await secrets.delete(request.principal!, request.params.name ?? '');
      return { status: 204 };
    },
  };
}
