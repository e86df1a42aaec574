/**
 * Where each operation of the Group Images API is, by operationId, generated from client/generated/openapi.json:
 * do not edit, run `npm run openapi`. The portal client (client/portal-client.ts) calls every
 * operation through this table, so a route added to the API is callable as soon as it is generated.
 */
export const OPERATIONS = {
  health: { method: 'GET', path: '/health' },
  openapi: { method: 'GET', path: '/openapi.json' },
  me: { method: 'GET', path: '/me' },
  listImages: { method: 'GET', path: '/groups/{group}/images' },
  createImage: { method: 'POST', path: '/groups/{group}/images' },
  systemListImages: { method: 'GET', path: '/images' },
  systemCreateImage: { method: 'POST', path: '/images' },
  getImage: { method: 'GET', path: '/groups/{group}/images/{name}' },
  updateImage: { method: 'PATCH', path: '/groups/{group}/images/{name}' },
  deleteImage: { method: 'DELETE', path: '/groups/{group}/images/{name}' },
  systemGetImage: { method: 'GET', path: '/images/{name}' },
  systemUpdateImage: { method: 'PATCH', path: '/images/{name}' },
  systemDeleteImage: { method: 'DELETE', path: '/images/{name}' },
  startBuild: { method: 'POST', path: '/groups/{group}/images/{name}/builds' },
  listBuilds: { method: 'GET', path: '/groups/{group}/images/{name}/builds' },
  systemStartBuild: { method: 'POST', path: '/images/{name}/builds' },
  systemListBuilds: { method: 'GET', path: '/images/{name}/builds' },
  getBuild: { method: 'GET', path: '/groups/{group}/images/{name}/builds/{buildId}' },
  systemGetBuild: { method: 'GET', path: '/images/{name}/builds/{buildId}' },
  getBuildLogs: { method: 'GET', path: '/groups/{group}/images/{name}/builds/{buildId}/logs' },
  systemGetBuildLogs: { method: 'GET', path: '/images/{name}/builds/{buildId}/logs' },
  getBuildSbom: { method: 'GET', path: '/groups/{group}/images/{name}/builds/{buildId}/sbom' },
  systemGetBuildSbom: { method: 'GET', path: '/images/{name}/builds/{buildId}/sbom' },
  cancelBuild: { method: 'POST', path: '/groups/{group}/images/{name}/builds/{buildId}/cancel' },
  systemCancelBuild: { method: 'POST', path: '/images/{name}/builds/{buildId}/cancel' },
  imageSelection: { method: 'GET', path: '/groups/{group}/image-selection' },
  listSecrets: { method: 'GET', path: '/secrets' },
  putSecret: { method: 'PUT', path: '/secrets/{name}' },
  deleteSecret: { method: 'DELETE', path: '/secrets/{name}' },
  listGroupSecrets: { method: 'GET', path: '/groups/{group}/secrets' },
  putGroupSecret: { method: 'PUT', path: '/groups/{group}/secrets/{name}' },
  deleteGroupSecret: { method: 'DELETE', path: '/groups/{group}/secrets/{name}' },
} as const;

export type OperationId = keyof typeof OPERATIONS;
