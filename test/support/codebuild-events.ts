/**
 * CodeBuild events as EventBridge delivers them (test/fixtures/codebuild, in the shape of AWS's
 * "Build notifications input format reference"), and ways to point one at another build or spoil it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scopeKey, type Scope } from '../../lambdas/domain/scope.ts';

export const FIXTURE_PROJECT = 'group-images-image-build';
export const FIXTURE_ACCOUNT = '123456789012';
export const FIXTURE_BUILD_ARN = 'arn:aws:codebuild:eu-west-1:123456789012:build/group-images-image-build:0b6c8e5e-3f0b-4c1e-9d7a-5a1f2e3d4c5b';
/** The same build as CodeBuild's API names it (StartBuild's answer, BatchGetBuilds' and StopBuild's input). */
export const FIXTURE_BUILD_ID = 'group-images-image-build:0b6c8e5e-3f0b-4c1e-9d7a-5a1f2e3d4c5b';

/** A build's ARN, as its events carry it, from its CodeBuild id. */
export const buildArnOf = (codeBuildId: string) => `arn:aws:codebuild:eu-west-1:123456789012:build/${codeBuildId}`;
/** What the fixtures' GI_* variables name. */
export const FIXTURE_REF = { scope: { group: 'team-a' } as Scope, image: 'jupyter-ds-x7k2p', buildId: 'b0lz4k2m1q3r8s9t' };

export type CodeBuildFixture =
  | 'build-state-in-progress'
  | 'build-state-succeeded'
  | 'build-state-failed'
  | 'build-state-timed-out'
  | 'build-state-stopped'
  | 'build-phase-pre-build-succeeded'
  | 'build-phase-build-failed'
  | 'build-phase-finalizing-succeeded';

// Plain JSON: every field an event can hold, indexable by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CodeBuildEvent = Record<string, any>;

const FIXTURES = new URL('../fixtures/codebuild/', import.meta.url);

/** A fresh copy of a fixture event. */
export function codeBuildEvent(name: CodeBuildFixture): CodeBuildEvent {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`${name}.json`, FIXTURES)), 'utf8')) as CodeBuildEvent;
}

/** The fixture event, about another build: its GI_* variables and, when given, the CodeBuild build (by its id). */
export function eventFor(name: CodeBuildFixture, ref: { scope: Scope; image: string; buildId: string }, codeBuildId?: string): CodeBuildEvent {
  const event = codeBuildEvent(name);
  const values: Record<string, string> = { GI_SCOPE: scopeKey(ref.scope), GI_IMAGE: ref.image, GI_BUILD_ID: ref.buildId };
  for (const variable of event.detail['additional-information'].environment['environment-variables']) {
    if (variable.name in values) variable.value = values[variable.name];
  }
  if (codeBuildId) {
    event.detail['build-id'] = buildArnOf(codeBuildId);
    event.resources = [buildArnOf(codeBuildId)];
  }
  return event;
}

/** The event without one of its environment variables. */
export function withoutVariable(event: CodeBuildEvent, name: string): CodeBuildEvent {
  const env = event.detail['additional-information'].environment;
  env['environment-variables'] = env['environment-variables'].filter((v: { name: string }) => v.name !== name);
  return event;
}
