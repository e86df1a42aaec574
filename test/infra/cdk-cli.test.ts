/**
 * `cdk synth` as a platform engineer runs it: the CDK CLI, cdk.json's app command, no AWS account and
 * no network. (It was a step of its own after jest; as a suite it runs beside the others.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/service-function.ts';
import { TEST_TIMEOUT_MS } from '../support/hang-guard.ts';

const run = promisify(execFile);

describe('cdk synth (the CLI, offline)', () => {
  it(
    "writes both stacks' templates",
    async () => {
      const outdir = mkdtempSync(join(tmpdir(), 'gi-cdk-cli-'));
      // As from a shell: without jest's NODE_OPTIONS, and with no AWS credentials or region to find.
      const { NODE_OPTIONS: _jest, ...env } = process.env;
      try {
        const result = await run(process.execPath, [join(PROJECT_ROOT, 'node_modules/aws-cdk/bin/cdk'), 'synth', '-q', '-o', outdir], {
          cwd: PROJECT_ROOT,
          env: { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_REGION: '', AWS_DEFAULT_REGION: '' },
        }).then(
          ({ stderr }) => ({ code: 0, stderr }),
          (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
        );

        expect(result).toEqual({ code: 0, stderr: expect.any(String) });
        expect(readdirSync(outdir).filter((f) => f.endsWith('.template.json'))).toEqual(['GroupImages-Api.template.json', 'GroupImages-Data.template.json']);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
