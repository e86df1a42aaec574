/**
 * The CDK app. The only place that reads the deployment's context and environment: it validates the
 * settings (bin/settings.ts; an unknown key that looks like a setting is refused too), builds the two
 * stacks and runs cdk-nag (AwsSolutions and Serverless) on every synth, so an unacknowledged finding
 * fails `cdk synth` and `cdk deploy`.
 *
 * The stacks are environment-agnostic (the deploying account, region and partition, resolved by
 * CloudFormation) unless the `account` / `region` settings pin them.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createGroupImages } from '../lib/group-images.ts';
import { PLACEHOLDER_ISSUER, readSettings } from './settings.ts';

const app = new App();

let settings;
try {
  settings = readSettings((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

const placeholder = settings.jwt.issuer === PLACEHOLDER_ISSUER;
const { env } = settings.platform;
const { api } = createGroupImages(app, settings, {
  env: env.account || env.region ? env : undefined,
  refuseDeployment: placeholder
    ? {
        value: PLACEHOLDER_ISSUER,
        reason: `jwtIssuer is the placeholder ${PLACEHOLDER_ISSUER}: set your identity provider's issuer (-c jwtIssuer=https://...) and deploy again.`,
      }
    : undefined,
});

if (placeholder) {
  Annotations.of(api).addWarningV2(
    'group-images:placeholder-jwt-issuer',
    `jwtIssuer is the placeholder ${PLACEHOLDER_ISSUER}: synth works, but CloudFormation will refuse to deploy it. Set your identity provider's issuer (-c jwtIssuer=https://...).`,
  );
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

app.synth();
