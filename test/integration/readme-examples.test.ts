/**
 * README.md runs as written: every fenced example block runs here against the local server, or is
 * marked as not runnable with a reason. And its links stay inside the repository.
 *
 * THE CONVENTION (for whoever adds a block to README.md):
 *   - A block tagged `sh` or `bash` runs in bash (`set -euo pipefail`); consecutive shell blocks
 *     share one session (variables and functions carry over). A block tagged `ts` runs with tsx as
 *     a module; `./client/...` imports resolve to the repository's client/.
 *   - Every block gets API (the server's URL), DATA_DIR (its data directory, so `npm run token`
 *     signs tokens it accepts) and the tokens ADMIN (admin of team-a), MEMBER (member of team-a) and
 *     ROOT (system admin) in its environment; a block may define them again, as the README's do.
 *     Local builds are dry runs. Blocks run in README order, against one server.
 *   - Any other block, or one that cannot run here, gets this line right before its fence:
 *         <!-- not runnable: why, in a few words -->
 *     A block of another language without that line fails this test, naming its line.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  code: string;
  /** The reason given in `<!-- not runnable: reason -->`, if the block is marked. */
  notRunnable?: string;
}

const MARKER = /^<!--\s*not runnable:\s*(\S.*?)\s*-->$/;
const SHELL = new Set(['sh', 'bash']);

/** The fenced blocks of a markdown text, with the marker line right before each fence (blank lines between allowed). */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README.md line ${i + 1}: the code fence is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? MARKER.exec(lines[before]!.trim()) : null;
    blocks.push({ line: i + 1, language: open[1]!, code: lines.slice(i + 1, end).join('\n'), ...(marker ? { notRunnable: marker[1] } : {}) });
    i = end;
  }
  return blocks;
}

let api: LocalApi;
let env: NodeJS.ProcessEnv;
let scratch: string;
let markdown: string;

beforeAll(async () => {
  markdown = await readFile(join(ROOT, 'README.md'), 'utf8');
  api = await startLocalApi({ inMemory: true, containerCli: null });
  scratch = await mkdtemp(join(tmpdir(), 'readme-'));
  const [ADMIN, MEMBER, ROOT_TOKEN] = await Promise.all([
    api.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] }),
    api.token({ sub: 'mel', groups: ['team-a'] }),
    api.token({ sub: 'root', systemAdmin: true }),
  ]);
  env = { ...process.env, API: api.server.url, DATA_DIR: api.dataDir, ADMIN, MEMBER, ROOT: ROOT_TOKEN, LOG_LEVEL: 'silent' };
});
afterAll(async () => {
  await api.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('README.md', () => {
  it('marks every block it does not run, with a reason', () => {
    const unmarked = readmeBlocks(markdown).filter((b) => !b.notRunnable && !SHELL.has(b.language) && b.language !== 'ts');
    expect(
      unmarked.map((b) => `line ${b.line}: a \`${b.language || 'plain'}\` block; run it (sh, bash, ts) or put <!-- not runnable: reason --> before it`),
    ).toEqual([]);
  });

  it('runs every other block as written, in order', async () => {
    const runnable = readmeBlocks(markdown).filter((b) => !b.notRunnable);
    expect(runnable.length).toBeGreaterThan(0);
    // Consecutive shell blocks form one session; a ts block runs on its own.
    const sessions: ReadmeBlock[][] = [];
    for (const block of runnable) {
      const last = sessions.at(-1);
      if (SHELL.has(block.language) && last && SHELL.has(last[0]!.language)) last.push(block);
      else sessions.push([block]);
    }
    let output = '';
    for (const session of sessions) {
      const where = session.map((b) => `line ${b.line}`).join(', ');
      try {
        if (SHELL.has(session[0]!.language)) {
          output += (await run('bash', ['-c', `set -euo pipefail\n${session.map((b) => b.code).join('\n')}`], { cwd: ROOT, env, maxBuffer: 16 << 20 })).stdout;
        } else {
          const file = join(scratch, `block-${session[0]!.line}.mts`);
          await writeFile(file, session[0]!.code.replaceAll("from './client/", `from '${join(ROOT, 'client')}/`));
          output += (await run(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env, maxBuffer: 16 << 20 })).stdout;
        }
      } catch (e) {
        const { stdout, stderr } = e as { stdout?: string; stderr?: string };
        throw new Error(`README.md block at ${where} failed:\n${stderr ?? ''}\n${(stdout ?? '').slice(-3000)}`, { cause: e });
      }
    }
    // The walkthrough did what it says: a created image (its ETag shown), a stale If-Match refused,
    // a build watched to its end and its log read (a dry run here).
    expect(output).toMatch(/^etag: "v1"/im);
    expect(output).toMatch(/^"v2" 412: /m);
    expect(output).toMatch(/^failed /m); // a dry run (no container CLI here) never pretends to succeed
    expect(output).toContain('DRY RUN');
  });

  it('links only inside the repository', () => {
    const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
    const outside = links.filter((l) => {
      const target = resolve(ROOT, l.split('#')[0]!);
      return relative(ROOT, target).startsWith('..') || !existsSync(target);
    });
    expect(outside).toEqual([]);
  });
});

describe('the block reader', () => {
  it('takes the marker before a fence, across blank lines, and only there', () => {
    const blocks = readmeBlocks('<!-- not runnable: needs AWS -->\n\n```sh\nnpx cdk deploy\n```\n\n```ts\nconsole.log(1)\n```\n');
    expect(blocks).toEqual([
      { line: 3, language: 'sh', code: 'npx cdk deploy', notRunnable: 'needs AWS' },
      { line: 7, language: 'ts', code: 'console.log(1)' },
    ]);
  });
});
