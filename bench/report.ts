/** The results as tables: aligned text for the terminal, Markdown for bench/README.md. */
import type { BenchResults } from './harness.ts';
import { describeMachine } from './machine.ts';
import { round, type Summary } from './stats.ts';

interface Section {
  title: string;
  method: string;
  columns: string[];
  rows: string[][];
  notes?: string[];
}

const ms = (s: Summary) => `${round(s.median)} [${round(s.p10)}–${round(s.p90)}]`;
const kib = (bytes: number) => `${round(bytes / 1024)} KiB`;
const verdict = (met: boolean | null) => (met === null ? 'not budgeted' : met ? 'met' : 'MISSED');

export function sections(r: BenchResults): Section[] {
  const out: Section[] = [];
  if (r.coldStart) {
    const c = r.coldStart;
    out.push({
      title: `1. Cold start: import of each bundle in a fresh Node process (ms, median [p10–p90], n=${c.runs} each, ${c.node})`,
      method: c.method,
      columns: [
        'function',
        'bundle',
        'largest parts (KiB in bundle)',
        'import ms',
        'SDK-only floor (clients(commands))',
        'floor',
        'floor ms',
        'paired ratio',
        `<= 1.2x`,
      ],
      rows: [
        ...c.functions.map((f) => [
          f.name,
          kib(f.bundle.bytes),
          f.bundle.breakdown.packages
            .slice(0, 5)
            .map((p) => `${p.name} ${round(p.bytes / 1024)}`)
            .join(', '),
          ms(f.bundle.importMs),
          f.floor.label,
          kib(f.floor.bytes),
          ms(f.floor.importMs),
          `${f.ratio}x [${f.ratioSpread.p10}–${f.ratioSpread.p90}]`,
          verdict(f.budgetMet),
        ]),
        ['(empty module)', kib(c.empty.bytes), '-', ms(c.empty.importMs), '-', '-', '-', '-', '-'],
      ],
    });
  }
  if (r.perRequest) {
    const p = r.perRequest;
    out.push({
      title: `2. Per request: warm handler vs the raw SDK doing the same DynamoDB work (ms, median [p10–p90], n=${p.runs} each)`,
      method: p.method,
      columns: ['request', 'handler', 'raw SDK', 'overhead (paired)', 'round trips', '<= 1 ms', '<= 2 trips'],
      rows: p.scenarios.map((s) => [
        `${s.name}: ${s.request}`,
        ms(s.handlerMs),
        ms(s.rawMs),
        ms(s.overheadMs),
        `${s.roundTrips.max} (${s.roundTrips.commands})`,
        verdict(s.overheadBudgetMet),
        verdict(s.roundTripBudgetMet),
      ]),
    });
  }
  if (r.scale) {
    const s = r.scale;
    out.push({
      title:
        `3. Scale: one page (20) as the group grows (latency ms, median [p10–p90], n=${s.runs} each). ` +
        `Writing cost ${s.writeCost.itemsPerImage} items per image (the image and its search index entries; ${s.writeCost.itemsWritten.toLocaleString('en-US')} items for ${s.writeCost.images.toLocaleString('en-US')} images)`,
      method: s.method,
      columns: [
        'request',
        'images',
        'latency',
        'round trips',
        'items read',
        'items to Lambda',
        'page',
        'capacity units',
        `ratio ${Math.max(...s.sizes)}/${Math.min(...s.sizes)}`,
        '<= 1.5x, bounded',
      ],
      rows: s.kinds.flatMap((k) =>
        k.points.map((p, i) => [
          i === 0 ? k.name : '',
          p.size.toLocaleString('en-US'),
          ms(p.latencyMs),
          String(p.roundTrips),
          String(p.itemsRead),
          String(p.itemsReturned),
          String(p.pageItems),
          p.capacityUnits === null ? '-' : String(p.capacityUnits),
          i === 0 ? `${k.ratio}x` : '',
          i === 0 ? `${verdict(k.budgetMet)}, ${k.readsBounded ? 'bounded' : 'NOT bounded by the page'}` : '',
        ]),
      ),
    });
  }
  if (r.buildReuse && r.layerCache) {
    const b = r.buildReuse;
    const l = r.layerCache;
    out.push({
      title: '4. Build reuse',
      method: b.method,
      columns: ['identical requests', 'builds started', 'reused', 'distinct image urls', 'final statuses'],
      rows: [
        [
          `${b.concurrentRequests} at once + ${b.laterRequests} later`,
          String(b.buildsStarted),
          String(b.reused),
          String(b.distinctImageUrls),
          Object.entries(b.statuses)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ],
      ],
    });
    out.push({
      title: `4b. Rebuild with one more pip package: Dockerfile steps from BuildKit's cache (${l.cachedSteps} cached, ${l.rebuiltSteps} run)`,
      method: l.method,
      columns: ['#', 'Dockerfile step', 'inputs', 'from cache'],
      rows: l.steps.map((s, i) => [String(i + 1), s.instruction, s.inputs.join(', ') || '-', s.cached ? 'yes' : 'no: runs']),
      notes: [
        `change: ${l.change}; first changed step: ${l.firstChanged}`,
        `buildspec cache import: ${l.buildspec.cacheFrom.join(' ')}`,
        `buildspec cache export: ${l.buildspec.cacheTo.join(' ')}`,
        `builder: ${l.buildspec.builder.join(' ')}; CACHE_REF per scope, e.g. ${l.buildspec.cacheRefExample}`,
      ],
    });
  }
  if (r.localServer) {
    const l = r.localServer;
    out.push({
      title: `5. Local server under load: ${l.request}`,
      method: l.method,
      columns: ['connections', 'duration', 'requests', 'req/s mean', 'req/s p50 [min–max]', 'latency p50', 'p90', 'p99', 'max', 'non-2xx', 'errors'],
      rows: [
        [
          String(l.connections),
          `${l.durationSeconds} s`,
          String(l.requestsTotal),
          String(l.requestsPerSecond.mean),
          `${l.requestsPerSecond.p50} [${l.requestsPerSecond.min}–${l.requestsPerSecond.max}]`,
          `${l.latencyMs.p50} ms`,
          `${l.latencyMs.p90} ms`,
          `${l.latencyMs.p99} ms`,
          `${l.latencyMs.max} ms`,
          String(l.non2xx),
          String(l.errors),
        ],
      ],
    });
  }
  if (r.budgets.length) {
    out.push({
      title: `Budgets: ${r.budgets.filter((b) => b.met).length} met, ${r.budgets.filter((b) => !b.met).length} missed`,
      method: 'Each missed budget names its cause.',
      columns: ['area', 'subject', 'budget', 'figure', 'verdict'],
      rows: r.budgets.map((b) => [b.area, b.subject, b.budget, b.figure, verdict(b.met)]),
      notes: r.budgets.filter((b) => !b.met).map((b) => `${b.area} / ${b.subject}: ${b.cause ?? ''}`),
    });
  }
  return out;
}

const header = (r: BenchResults) => [
  `Group Images benchmarks (${r.mode}), ${r.generatedAt}`,
  describeMachine(r.machine) + `, ${r.loadAverageAtEnd} at the end`,
];

export function renderText(r: BenchResults): string {
  const lines = [...header(r), ''];
  for (const s of sections(r)) {
    const widths = s.columns.map((c, i) => Math.max(c.length, ...s.rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    lines.push(s.title, line(s.columns), line(widths.map((w) => '-'.repeat(w))), ...s.rows.map(line));
    for (const note of s.notes ?? []) lines.push(`  ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderMarkdown(r: BenchResults): string {
  const lines = [header(r).join('; ') + '.', ''];
  for (const s of sections(r)) {
    lines.push(`### ${s.title}`, '', `How: ${s.method}`, '', `| ${s.columns.map(cell).join(' | ')} |`, `|${s.columns.map(() => ' --- ').join('|')}|`);
    for (const row of s.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
    if (s.notes?.length) lines.push('', ...s.notes.map((n) => `- ${cell(n)}`));
    lines.push('');
  }
  return lines.join('\n');
}
