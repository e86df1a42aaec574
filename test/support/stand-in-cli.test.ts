/**
 * The stand-in container CLI's own record of its calls, which many suites assert on: builds run side
 * by side, so it must keep each call whole when many run at once (written piecemeal, 2 of 200
 * concurrent records came out merged, and hostile-input failed now and then on a call it could not find).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeStandInCli, type StandInCli } from './stand-in-cli.ts';

let cli: StandInCli;
beforeAll(async () => {
  cli = await writeStandInCli();
});
afterAll(() => cli.remove());

describe('the stand-in container CLI', () => {
  it('records every one of 200 concurrent calls whole, under the build that made it', async () => {
    // Act: calls of growing length, each from a build work dir of its own
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const child = spawn(cli.path, ['buildx', 'imagetools', 'inspect', '--format', 'x'.repeat(i * 20), `ref-${i}`], {
          env: { ...process.env, BUILD_WORKDIR: `/work/builds/b${i}` },
          stdio: 'ignore',
        });
        await once(child, 'close');
      }),
    );

    // Assess
    const calls = await cli.calls();
    expect(calls).toHaveLength(200);
    for (const call of calls) {
      const i = Number(call.buildId.slice(1));
      expect(call).toEqual({ buildId: `b${i}`, args: ['buildx', 'imagetools', 'inspect', '--format', 'x'.repeat(i * 20), `ref-${i}`] });
    }
  });
});
