/**
 * Synthesizes the service for infrastructure tests: the real stacks from lib/, validated settings
 * from bin/, but without bundling (stub function code, a fixed buildspec) so a synth takes a second
 * and does not depend on every handler or the buildspec existing. One test (bundling.test.ts) bundles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BuildSpec } from 'aws-cdk-lib/aws-codebuild';
import { parseSettings, type RawSettings } from '../../bin/settings.ts';
import { createGroupImages, type GroupImagesOptions } from '../../lib/group-images.ts';
import { PROJECT_ROOT } from '../../lib/service-function.ts';

export const TEST_BUILDSPEC = { version: '0.2', phases: { build: { commands: ['echo build'] } } };

/** cdk.json's context (the feature flags `cdk synth` runs with), so tests synthesize the same way. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

type SynthOptions = Pick<GroupImagesOptions, 'refuseDeployment'>;
export type Synthesized = ReturnType<typeof synthFresh>;

/**
 * A new app, synthesized: for a test that changes CDK behaviour (a spy) or the construct tree.
 *
 * CDK's built-in CloudFormation template validation is off unless asked for: loading its rules costs
 * each test file about two seconds of CPU. cfn-validation.test.ts validates every settings variant the
 * infrastructure suites synthesize, and `cdk synth` (npm test, platform.test.ts) validates bin/app.ts.
 */
export function synthFresh(raw: RawSettings = {}, options: SynthOptions = {}, { validateTemplates = false } = {}) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: validateTemplates });
  const settings = parseSettings(raw);
  const { data, api } = createGroupImages(app, settings, { functionCode: 'stub', buildspec: BuildSpec.fromObject(TEST_BUILDSPEC), ...options });
  return { app, settings, data, api, dataTemplate: Template.fromStack(data), apiTemplate: Template.fromStack(api) };
}

const synthesized = new Map<string, Synthesized>();

/**
 * The app synthesized with these settings, shared by every test of the file that asks for the same
 * settings (a synthesis costs far more CPU than the assertions on it). Treat it as read-only: a test
 * that needs to change the app or spy on its synthesis uses synthFresh().
 */
export function synth(raw: RawSettings = {}, options: SynthOptions = {}): Synthesized {
  const key = JSON.stringify([raw, options]);
  let result = synthesized.get(key);
  if (!result) synthesized.set(key, (result = synthFresh(raw, options)));
  return result;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

export const resourcesOf = (template: Template, type: string): Resources => template.findResources(type) as Resources;

/** The single resource of a type, failing when there is not exactly one. */
export function only(template: Template, type: string) {
  const found = Object.entries(resourcesOf(template, type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return { logicalId: found[0]![0], ...found[0]![1] };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * Every IAM action a role may perform, with the resources it may perform them on, from the
 * policies attached to it (inline, and AWS::IAM::Policy resources that name it).
 */
export function actionsOfRole(template: Template, roleLogicalId: string): Map<string, unknown[]> {
  const actions = new Map<string, unknown[]>();
  const add = (statements: Statement[]) => {
    for (const s of statements) {
      if (s.Effect !== 'Allow') continue;
      for (const action of [s.Action].flat()) {
        actions.set(action, [...(actions.get(action) ?? []), ...[s.Resource].flat()]);
      }
    }
  };
  const role = resourcesOf(template, 'AWS::IAM::Role')[roleLogicalId];
  if (!role) throw new Error(`no role ${roleLogicalId}`);
  for (const p of (role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []) add(p.PolicyDocument.Statement);
  expectNoManagedPolicies(role.Properties);
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = (policy.Properties?.Roles as { Ref: string }[] | undefined) ?? [];
    if (roles.some((r) => r.Ref === roleLogicalId)) add((policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
  }
  return actions;
}

function expectNoManagedPolicies(properties: Record<string, unknown> | undefined) {
  if (properties?.ManagedPolicyArns) throw new Error(`role has managed policies: ${JSON.stringify(properties.ManagedPolicyArns)}`);
}

/** The logical id of the role a Lambda function runs with. */
export function roleOfFunction(template: Template, functionLogicalId: string): string {
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[functionLogicalId];
  const role = fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  if (!role) throw new Error(`no function ${functionLogicalId}`);
  return role['Fn::GetAtt'][0];
}
