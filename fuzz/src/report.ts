import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type Measurement, RESULTS_DIR, type SummaryRow, writeResults } from '../../bench/lib.js';
import type { FuzzResult, TargetResult } from './runner.js';

function perSecond(t: TargetResult): number {
  return t.elapsedMs > 0 ? (t.inputs * 1000) / t.elapsedMs : 0;
}

function totals(result: FuzzResult) {
  const sum = (f: (t: TargetResult) => number) => result.targets.reduce((n, t) => n + f(t), 0);
  return {
    inputs: sum((t) => t.inputs),
    typed: sum((t) => t.typed),
    untyped: sum((t) => t.untyped),
    hangs: sum((t) => t.hangs),
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The run as a table: target / inputs / inputs per second / typed errors / untyped failures / hangs. */
export function formatTable(result: FuzzResult): string {
  const header = ['target', 'inputs', 'inputs/s', 'typed errors', 'untyped failures', 'hangs'];
  const rows = result.targets.map((t) => [
    t.name,
    int(t.inputs),
    int(perSecond(t)),
    int(t.typed),
    int(t.untyped),
    int(t.hangs),
  ]);
  const all = totals(result);
  rows.push([
    'total',
    int(all.inputs),
    int((all.inputs * 1000) / Math.max(1, result.wallMs)),
    int(all.typed),
    int(all.untyped),
    int(all.hangs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return (
    [
      line(header),
      widths.map((w) => '-'.repeat(w)).join('  '),
      ...rows.slice(0, -1).map(line),
      widths.map((w) => '-'.repeat(w)).join('  '),
      line(rows.at(-1) ?? []),
    ].join('\n') +
    `\n(total inputs/s is over the run's ${(result.wallMs / 1000).toFixed(1)} s wall clock, all jobs together)`
  );
}

/** Facts of the run written beside the figures. */
export interface RunFacts {
  readonly started: Date;
  readonly seed: number;
  readonly jobs: number;
  readonly seedMs: number;
  readonly budget: string;
  readonly hangMs: number;
}

/**
 * Writes `bench/results/fuzz.json` and `bench/results/fuzz.md` with bench's writer: a summary table (totals and
 * inputs per second per target, against the goals), per-target measurements, machine facts and the date.
 */
export function writeFuzzResults(result: FuzzResult, facts: RunFacts): string[] {
  const all = totals(result);
  const summary: SummaryRow[] = [
    { metric: 'inputs in total', value: int(all.inputs), anchor: '', ratio: '', goal: '≥ 1,000,000' },
    { metric: 'untyped failures', value: int(all.untyped), anchor: '', ratio: '', goal: '0' },
    { metric: `hangs (> ${facts.hangMs} ms)`, value: int(all.hangs), anchor: '', ratio: '', goal: '0' },
    {
      metric: 'typed errors (bad input refused with a code)',
      value: int(all.typed),
      anchor: '',
      ratio: '',
      goal: '',
    },
    ...result.targets.map((t) => ({
      metric: `${t.name}: inputs/s`,
      value: int(perSecond(t)),
      anchor: `${int(t.inputs)} inputs`,
      ratio: `${int(t.typed)} typed`,
      goal: `${t.untyped} untyped, ${t.hangs} hangs`,
    })),
  ];
  const measurements: Record<string, Measurement> = Object.fromEntries(
    result.targets.map((t) => {
      const v = perSecond(t);
      return [t.name, { name: t.name, unit: 'inputs/s', median: v, min: v, max: v, rounds: [v] }];
    }),
  );
  const cpu = cpus();
  const notes = [
    `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `run started ${facts.started.toISOString()}: ${facts.budget}, seed ${facts.seed}, ${facts.jobs} job(s), wall clock ${(result.wallMs / 1000).toFixed(1)} s (+ ${(facts.seedMs / 1000).toFixed(1)} s making seeds)`,
    'columns of the per-target rows: value = inputs/s, anchor = inputs, ratio = typed errors, goal = untyped failures and hangs',
    ...result.stalls.map((s) => `stall (not reproduced alone): ${s}`),
    ...result.failures.map((f) => `failure: ${f.target}: ${f.kind}: ${f.description}`),
  ];
  // The JSON also keeps every target's typed error codes and restarts (writeResults spreads what it is given).
  const data = {
    summary,
    measurements,
    notes,
    targets: result.targets,
    failures: result.failures.map((f) => ({
      target: f.target,
      kind: f.kind,
      description: f.description,
      file: f.file,
    })),
  };
  writeResults('fuzz', data);
  return [join(RESULTS_DIR, 'fuzz.json'), join(RESULTS_DIR, 'fuzz.md')];
}
