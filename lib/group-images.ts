/**
 * The whole service: two stacks, stateful and stateless. Data (table, ECR repositories, build log
 * group) sits in `<stackName>-Data`, retained and rarely changed; everything that can be rebuilt at
 * will (functions, API, build project, rules, queues) in `<stackName>-Api`, which only refers to it.
 * A redeploy of the API, a rollback, a renamed construct or even `cdk destroy` of the API stack can
 * therefore never replace or delete data.
 */
import { Tags, type App, type Environment } from 'aws-cdk-lib';
import { DeploymentGuard } from './deployment-guard.ts';
import type { BuildSpec } from 'aws-cdk-lib/aws-codebuild';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './service-data.ts';
import type { FunctionCode } from './service-function.ts';
import type { DeploymentSettings } from './settings.ts';

export interface GroupImagesOptions {
  /** @default - environment-agnostic (works offline); the CLI's account and region when deploying */
  readonly env?: Environment;
  /** @default 'bundle' */
  readonly functionCode?: FunctionCode;
  /** @default the file buildspecs/image-build.yml, inlined */
  readonly buildspec?: BuildSpec;
  /**
   * Why this configuration must not be deployed (e.g. the placeholder issuer): both stacks then carry
   * a CloudFormation rule that refuses the deployment with this reason; synth still works.
   * @default - deployable
   */
  readonly refuseDeployment?: { value: string; reason: string };
}

export function createGroupImages(app: App, settings: DeploymentSettings, options: GroupImagesOptions = {}) {
  const description = 'Group Images: group and system container images for the data-science portal';
  const data = new DataStack(app, `${settings.stackName}-Data`, {
    env: options.env,
    description: `${description} (data: table, ECR repositories, build logs; retained)`,
    buildLogRetentionDays: settings.builds.logRetentionDays,
    imagePullPrincipals: settings.platform.imagePullPrincipals,
  });
  const api = new ApiStack(app, `${settings.stackName}-Api`, {
    env: options.env,
    description: `${description} (API, functions, image builds)`,
    data: data.data,
    settings,
    functionCode: options.functionCode,
    buildspec: options.buildspec,
  });
  api.addStackDependency(data);

  // --- Platform (issue 16): tags on every taggable resource, a refused placeholder. ---
  for (const [key, value] of Object.entries(settings.platform.tags)) Tags.of(app).add(key, value);
  if (options.refuseDeployment) {
    for (const stack of [data, api])
      new DeploymentGuard(stack, 'DeploymentGuard', { refusedValue: options.refuseDeployment.value, reason: options.refuseDeployment.reason });
  }
  return { data, api };
}
