/**
 * The CDK app. The only place that reads the deployment's context and environment: it validates the
 * settings (bin/settings.ts), builds the two stacks and runs cdk-nag (AwsSolutions and Serverless)
 * on every synth, so an unacknowledged finding fails `cdk synth` and `cdk deploy`.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { createGroupImages } from '../lib/group-images.ts';
import { PLACEHOLDER_ISSUER, readSettings } from './settings.ts';

const app = new App();

let settings;
try {
  settings = readSettings((key) => app.node.tryGetContext(key));
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}

const { api } = createGroupImages(app, settings, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

if (settings.jwt.issuer === PLACEHOLDER_ISSUER) {
  Annotations.of(api).addWarningV2(
    'group-images:placeholder-jwt-issuer',
    `jwtIssuer is the placeholder ${PLACEHOLDER_ISSUER}: set your identity provider's issuer (-c jwtIssuer=https://...) before deploying, or every request will be refused with 401`,
  );
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));

app.synth();
