import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { claimNamesFrom, DEFAULT_LIMITS, ENV, positiveInt, required } from '../config.ts';
import { CodeBuildBuilder } from '../aws/codebuild-builder.ts';
import { baseImageMirrorsFrom } from '../builds/base-image-mirrors.ts';
import { RepositoryRegistry } from '../aws/repository-registry.ts';
import { SecretsManagerDirectory } from '../aws/secrets-manager-directory.ts';
import { BuildLifecycle } from '../domain/build-lifecycle.ts';
import { ImageCatalog } from '../domain/catalog.ts';
import { apiHandler } from '../http/api-handler.ts';
import { catalogWriterOperations } from '../http/function-operations.ts';
import { env } from './aws-wiring.ts';
import { settlement } from './build-settlement.ts';

const shared = settlement();
const secretPrefix = required(env, ENV.secretPrefix);
const secrets = new SecretsManagerDirectory(new SecretsManagerClient({}), secretPrefix);
const imageRepository = required(env, ENV.imageRepositoryUri);
const cacheRepository = required(env, ENV.cacheRepositoryUri);
const ownImages = { repositories: { image: imageRepository, cache: cacheRepository }, builtTags: shared.builds };
const builds = new BuildLifecycle({
  ...shared,
  // Its builds only fail to start or reuse another's image: no build log to read.
  logs: null,
  builder: new CodeBuildBuilder(new CodeBuildClient({}), required(env, ENV.buildProjectName), secretPrefix, baseImageMirrorsFrom(env)),
  registry: new RepositoryRegistry(imageRepository, cacheRepository),
  secrets,
  ownImages,
  maxConcurrentBuildsPerGroup: positiveInt(env, ENV.maxConcurrentBuildsPerGroup, DEFAULT_LIMITS.maxConcurrentBuildsPerGroup),
});
const catalog = new ImageCatalog({
  store: shared.images,
  cursors: shared.cursors,
  secrets,
  ownImages,
  builds,
  maxImagesPerGroup: positiveInt(env, ENV.maxImagesPerGroup, DEFAULT_LIMITS.maxImagesPerGroup),
});

export const handler = apiHandler('catalogWriter', catalogWriterOperations({ catalog, builds }), { claims: claimNamesFrom(env) });
