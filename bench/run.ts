/**
 * `npm run bench`: every benchmark, a table on stdout, bench/results.json, and the results block of
 * bench/README.md. `npm run bench -- --quick` (or BENCH_QUICK=1) runs few iterations and writes
 * bench/.work/results-quick.json only. `--only cold,request,scale,build,local` picks sections;
 * `--duration <s>` (or BENCH_DURATION) sets the local server load's duration.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../lib/bundling.ts';
import { FULL, QUICK, runBenchmarks, type BenchConfig } from './harness.ts';
import { renderMarkdown, renderText } from './report.ts';

const SECTIONS = { cold: 'coldStart', request: 'perRequest', scale: 'scale', build: 'buildReuse', local: 'localServer' } as const;

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, duration: { type: 'string' } } });
const quick = values.quick || process.env.BENCH_QUICK === '1';
const config: BenchConfig = structuredClone(quick ? QUICK : FULL);
const only = values.only?.split(',').map((s) => s.trim());
if (only) {
  const unknown = only.filter((s) => !(s in SECTIONS));
  if (unknown.length) throw new Error(`--only takes ${Object.keys(SECTIONS).join(', ')}; not ${unknown.join(', ')}`);
  for (const [name, key] of Object.entries(SECTIONS)) if (!only.includes(name)) config[key] = null;
}
const duration = values.duration ?? process.env.BENCH_DURATION;
if (duration && config.localServer) config.localServer.durationSeconds = Number(duration);

const results = await runBenchmarks(config, (line) => process.stderr.write(`bench: ${line}\n`));
process.stdout.write(renderText(results));

const complete = !quick && !only && !duration;
const file = complete ? join(PROJECT_ROOT, 'bench/results.json') : join(PROJECT_ROOT, 'bench/.work', quick ? 'results-quick.json' : 'results-partial.json');
await mkdir(join(PROJECT_ROOT, 'bench/.work'), { recursive: true });
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`bench: wrote ${file.slice(PROJECT_ROOT.length)}\n`);

// A complete run also refreshes the results block of bench/README.md.
if (complete) {
  const readme = join(PROJECT_ROOT, 'bench/README.md');
  const START = '<!-- results:start (written by npm run bench) -->';
  const END = '<!-- results:end -->';
  const text = await readFile(readme, 'utf8').catch(() => '');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from >= 0 && to > from) {
    await writeFile(readme, `${text.slice(0, from + START.length)}\n${renderMarkdown(results)}\n${text.slice(to)}`);
    process.stderr.write('bench: refreshed the results in bench/README.md\n');
  }
}
