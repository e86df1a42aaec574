/**
 * The local server's two other build modes: a build that outlives its time limit (a short,
 * fractional limit and a stand-in CLI that hangs), and a dry run when there is no container CLI:
 * never succeeded, never ready, never reused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Build } from '../../lambdas/domain/build.ts';
import type { Image } from '../../lambdas/domain/image.ts';
import { DRY_RUN_REASON } from '../../lambdas/domain/dry-run.ts';
import { messagesOf, pollBuild, readLog } from '../support/build-polling.ts';
import { roleTokens, startLocalApi, type LocalApi } from '../support/local-api.ts';
import { writeStandInCli, type StandInCli } from '../support/stand-in-cli.ts';

const GROUP = '/groups/team-a/images';
const body = (pip: string[]) => ({ displayName: 'jupyter-ds', type: 'cpu', build: { baseImage: 'python:3.12', packages: { pip } } });

describe('a build that runs longer than its limit', () => {
  // 0.02 minutes: the stand-in hangs in `buildx build`, so the limit is reached in PRE_BUILD or BUILD.
  const LIMIT_MINUTES = 0.02;
  let api: LocalApi;
  let cli: StandInCli;
  let image: Image;
  let build: Build;
  let admin: string;

  beforeAll(async () => {
    cli = await writeStandInCli('hang');
    api = await startLocalApi({ containerCli: cli.path, buildTimeoutMinutes: LIMIT_MINUTES });
    admin = (await roleTokens(api)).groupAdmin;
    image = (await api.call<Image>('POST', GROUP, { token: admin, body: body(['numpy']) })).body;
    build = await pollBuild(api, admin, `${GROUP}/${image.name}/builds/${image.latestBuild!.id}`);
  });
  afterAll(async () => {
    await api.stop();
    await cli.remove();
  });

  it('ends failed, its reason naming the time limit', () => {
    // Assess
    expect(build.status).toBe('failed');
    expect(build.failureReason).toContain(`The build ran longer than its ${LIMIT_MINUTES}-minute limit`);
    expect(build.imageUrl).toBeNull();
  });

  it('keeps the log of the stopped build readable', async () => {
    // Act
    const log = await readLog(api, admin, `${GROUP}/${image.name}/builds/${build.id}`);

    // Assess
    expect(log.ended).toBe(true);
    expect(messagesOf(log)).toEqual(expect.arrayContaining(['[Container] Entering phase INSTALL', '[Container] Build TIMED_OUT']));
  });

  it('leaves the image not ready', async () => {
    // Act
    const reply = await api.call<Image>('GET', `${GROUP}/${image.name}`, { token: admin });

    // Assess
    expect(reply.body).toEqual(expect.objectContaining({ ready: false, url: null, latestBuild: expect.objectContaining({ status: 'failed' }) }));
  });
});

describe('a dry run, without a container CLI', () => {
  let api: LocalApi;
  let image: Image;
  let build: Build;
  let admin: string;

  beforeAll(async () => {
    api = await startLocalApi({ containerCli: null });
    admin = (await roleTokens(api)).groupAdmin;
    image = (await api.call<Image>('POST', GROUP, { token: admin, body: body(['requests==2.32.3']) })).body;
    build = await pollBuild(api, admin, `${GROUP}/${image.name}/builds/${image.latestBuild!.id}`);
  });
  afterAll(() => api.stop());

  it('ends failed and marked dryRun, its reason saying that nothing was built', () => {
    // Assess
    expect(build).toEqual(expect.objectContaining({ status: 'failed', dryRun: true, imageUrl: null, reused: false }));
    expect(build.failureReason).toMatch(new RegExp(`^${DRY_RUN_REASON.replace(/[()]/g, '\\$&')}`));
  });

  it('never makes the image ready or gives it a url', async () => {
    // Act
    const reply = await api.call<Image>('GET', `${GROUP}/${image.name}`, { token: admin });

    // Assess
    expect(reply.body).toEqual(expect.objectContaining({ ready: false, url: null, latestBuild: expect.objectContaining({ status: 'failed' }) }));
  });

  it('says DRY RUN in its log, which CLI was chosen and why, and what it would have built', async () => {
    // Act
    const log = messagesOf(await readLog(api, admin, `${GROUP}/${image.name}/builds/${build.id}`));

    // Assess
    expect(log[0]).toBe(api.server.containerCli.why);
    expect(log[0]).toMatch(/^container CLI: none, a DRY RUN/);
    expect(log).toEqual(
      expect.arrayContaining(['DRY RUN: pip.txt has 1 entries', 'DRY RUN: nothing was built or pushed', '[Container] Build FAILED (dry run)']),
    );
    expect(log.filter((l) => l.startsWith('DRY RUN: would build'))).toEqual([expect.stringMatching(/ with: Dockerfile pip\.txt template-failures\.tsv$/)]);
    expect(log.some((l) => l.startsWith('image ready'))).toBe(false);
  });

  it('is never reused: an identical spec runs (dry) again', async () => {
    // Act
    const again = (await api.call<Image>('POST', GROUP, { token: admin, body: { ...body(['requests==2.32.3']), displayName: 'jupyter-ds-2' } })).body;
    const second = await pollBuild(api, admin, `${GROUP}/${again.name}/builds/${again.latestBuild!.id}`);

    // Assess
    expect(second).toEqual(expect.objectContaining({ status: 'failed', dryRun: true, reused: false, imageUrl: null }));
  });

  it('shows dryRun in the build history too', async () => {
    // Act
    const reply = await api.call<{ items: Build[] }>('GET', `${GROUP}/${image.name}/builds`, { token: admin });

    // Assess
    expect(reply.body.items.map((b) => [b.id, b.dryRun])).toEqual([[build.id, true]]);
  });
});
