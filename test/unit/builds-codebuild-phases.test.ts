/**
 * CodeBuild's phases in the service's words (lambdas/aws/codebuild-phases.ts): every phase type AWS
 * documents (CodeBuild API reference, BuildPhase.phaseType), what the events of test/fixtures/codebuild
 * read as, and that nothing outside lambdas/aws/ speaks CodeBuild's vocabulary.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODEBUILD_PHASES, phaseOf } from '../../lambdas/aws/codebuild-phases.ts';
import { recogniseEvent } from '../../lambdas/aws/codebuild-events.ts';
import { BUILD_PHASES, phaseRank } from '../../lambdas/domain/build-states.ts';
import { codeBuildEvent, FIXTURE_ACCOUNT, FIXTURE_PROJECT, type CodeBuildFixture } from '../support/codebuild-events.ts';

describe('phaseOf', () => {
  it.each([
    ['SUBMITTED', 'queued'],
    ['QUEUED', 'queued'],
    ['PROVISIONING', 'preparing'],
    ['DOWNLOAD_SOURCE', 'preparing'],
    ['INSTALL', 'preparing'],
    ['PRE_BUILD', 'preparing'],
    ['BUILD', 'building'],
    ['POST_BUILD', 'pushing'],
    ['UPLOAD_ARTIFACTS', 'finishing'],
    ['FINALIZING', 'finishing'],
    ['COMPLETED', 'finishing'],
  ])('reads %s as %s', (codeBuild, ours) => {
    expect(phaseOf(codeBuild)).toBe(ours);
  });

  it('maps every phase CodeBuild documents, keeping their order', () => {
    expect(CODEBUILD_PHASES).toHaveLength(11);
    const ranks = CODEBUILD_PHASES.map((p) => phaseRank(phaseOf(p)));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(CODEBUILD_PHASES.map(phaseOf))).toEqual(new Set(BUILD_PHASES));
  });

  it.each(['', 'build', 'SOMETHING_NEW', null, undefined])('does not guess at %p', (name) => {
    expect(phaseOf(name)).toBeUndefined();
  });
});

describe("the fixture events, in the service's words", () => {
  it.each<[CodeBuildFixture, string | undefined]>([
    ['build-state-in-progress', 'building/queued'],
    ['build-phase-pre-build-succeeded', 'building/building'],
    ['build-phase-build-failed', 'building/building'],
    ['build-phase-finalizing-succeeded', undefined],
    ['build-state-succeeded', 'succeeded/finishing'],
    ['build-state-failed', 'failed/building'],
    ['build-state-timed-out', 'failed/building'],
    ['build-state-stopped', 'cancelled/building'],
  ])('%s reads as %s', (fixture, expected) => {
    const result = recogniseEvent(codeBuildEvent(fixture), { project: FIXTURE_PROJECT, account: FIXTURE_ACCOUNT });
    expect(result.ok ? `${result.progress.status}/${result.progress.phase}` : undefined).toBe(expected);
  });
});

describe("CodeBuild's vocabulary", () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  // Quoted as a value: a phase name in code, not in prose or in a log line the buildspec prints.
  const quoted = new RegExp(`'(${CODEBUILD_PHASES.join('|')})'`);

  it('is quoted only in lambdas/aws/ (the store reads old items through its mapping)', () => {
    const speaking = [...sources('lambdas'), 'client/portal-client.ts']
      .filter((f) => !f.startsWith('lambdas/aws/'))
      .filter((f) => quoted.test(readFileSync(join(root, f), 'utf8')));
    expect(speaking).toEqual([]);
  });

  it('finds a file that quotes one (the check can fail)', () => {
    expect(quoted.test(readFileSync(join(root, 'lambdas/aws/codebuild-phases.ts'), 'utf8'))).toBe(true);
  });
});
