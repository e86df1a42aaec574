import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_LIMITS, ENV, positiveInt, required } from '../config.ts';
import { CodeBuildBuilder } from '../aws/codebuild-builder.ts';
import { baseImageMirrorsFrom } from '../builds/base-image-mirrors.ts';
import { SecretsManagerDirectory } from '../aws/secrets-manager-directory.ts';
import { catalogWriter } from '../wiring/catalog-writer.ts';
import { randomNameSuffix } from '../domain/image.ts';
import { claimPortsFrom, cursorsFrom, type Env } from './aws-wiring.ts';
import { settlementPortsFrom } from './build-settlement.ts';

export function fromEnvironment(env: Env) {
  const secretPrefix = required(env, ENV.secretPrefix);
  return catalogWriter({
    ...claimPortsFrom(env),
    ...settlementPortsFrom(env),
    cursors: cursorsFrom(env),
    random: randomNameSuffix,
    builder: new CodeBuildBuilder(new CodeBuildClient({}), required(env, ENV.buildProjectName), secretPrefix, baseImageMirrorsFrom(env)),
    repositories: { image: required(env, ENV.imageRepositoryUri), cache: required(env, ENV.cacheRepositoryUri) },
    secretDirectory: new SecretsManagerDirectory(new SecretsManagerClient({}), secretPrefix),
    limits: {
      maxImagesPerGroup: positiveInt(env, ENV.maxImagesPerGroup, DEFAULT_LIMITS.maxImagesPerGroup),
      maxConcurrentBuildsPerGroup: positiveInt(env, ENV.maxConcurrentBuildsPerGroup, DEFAULT_LIMITS.maxConcurrentBuildsPerGroup),
    },
    logs: null,
  });
}

export const { handler } = fromEnvironment(process.env);
