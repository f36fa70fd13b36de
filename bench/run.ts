export {};

/** `pnpm bench`: runs every benchmark in turn and prints the short tables (also under bench/results/). */
const benches = [
  './wire.bench.ts',
  './bitstream.bench.ts',
  './server.bench.ts',
  './encoder.bench.ts',
  './file.bench.ts',
  './cli.bench.ts',
  './remux.bench.ts',
  './browser.bench.ts',
  './durability.bench.ts',
  './soak.bench.ts',
  './cameras.bench.ts',
  './latency.bench.ts',
];
const only = process.argv.slice(2);
for (const path of benches) {
  if (only.length > 0 && !only.some((o) => path.includes(o))) continue;
  const { table } = (await import(path)) as { table: string };
  console.log(table);
}
