/**
 * The bundle row of the metrics section: what a cold start loads of ours now and at the commit before metrics
 * (built from `git archive` of that commit's sources into bench/.out, with the same esbuild settings), the
 * bytes the metrics modules take in ours (esbuild metafile, per input), and what the official SDK's metrics
 * stack (sdk-metrics + its OTLP proto exporter) adds to the official setup's bundle.
 * `npm run bench -- --only=metrics` prints it under the metrics tables.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { buildEdgeBundle, bundleLambda, outputFiles, sizeOf } from '../tools/build-artifacts.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** The last commit before metrics (the parent of the first metrics commit, c7f74c3). */
export const BEFORE_METRICS = '93b1813';

// The inputs that are there for metrics: src/core/metrics, the EMF and OTLP metrics encoders, the metric
// record, the metrics config reader, Node's runtime measures, and the metrics half of the OpenTelemetry API.
const METRICS_INPUT =
  /src\/core\/metrics\/|src\/exporters\/emf\/|encode-metrics|metric-record|read-metrics|runtime-measures|register-meters|@opentelemetry\/api\/.*metrics/i;

interface Built {
  /** What a cold start loads, minified and gzip bytes. */
  readonly cold: { bytes: number; gzipBytes: number };
  /** Bytes per input in the loaded files. */
  readonly inputs: Map<string, number>;
}

async function buildLambda(entry: string, dir: string, name: string): Promise<Built> {
  rmSync(dir, { recursive: true, force: true });
  const metafile = await bundleLambda(entry, dir, name);
  const outfile = join(dir, `${name}.mjs`);
  return { cold: sizeOf(outputFiles(metafile, outfile).coldStart), inputs: inputsOf(metafile, outfile) };
}

/** Bytes per input in what loading `entryFile` loads (the esbuild metafile's bytes in the output). */
export function inputsOf(metafile: Metafile, entryFile: string): Map<string, number> {
  const cold = new Set(outputFiles(metafile, entryFile).coldStart.map((file) => relative(ROOT, file)));
  const inputs = new Map<string, number>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!cold.has(relative(ROOT, resolve(ROOT, file)))) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput);
  }
  return inputs;
}

/** `commit`'s sources (package.json for its sideEffects, src, the bench variants) under `dir`. */
export function checkout(commit: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', commit, 'package.json', 'src', 'bench/variants'], { cwd: ROOT });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const both = (size: { bytes: number; gzipBytes: number }) => `${kib(size.bytes)} / ${kib(size.gzipBytes)}`;
const edgeSize = async (entry: string, outFile: string) => {
  const { code } = await buildEdgeBundle(entry, outFile);
  const { gzipSync } = await import('node:zlib');
  return { bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length };
};

/** Where the bytes of a package or folder go, grouped for the official stack's row. */
const packageOf = (input: string) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ??
  (input.startsWith('bench/variants/') ? 'the handler (its instruments, user-meters.ts)' : input.split('/').slice(0, 2).join('/'));

/** The tables (Markdown), every bundle built into `out`. */
export async function metricsBundleTable(out: string): Promise<string> {
  const before = join(out, `before-${BEFORE_METRICS}`);
  checkout(BEFORE_METRICS, before);
  const variants = join(ROOT, 'bench', 'variants');
  const oursNow = await buildLambda(join(variants, 'ours.ts'), join(out, 'mb-ours'), 'ours');
  const oursBefore = await buildLambda(join(before, 'bench/variants/ours.ts'), join(out, 'mb-ours-before'), 'ours');
  const edgeNow = await edgeSize(join(variants, 'edge-ours.ts'), join(out, 'mb-edge', 'edge-ours.mjs'));
  const edgeBefore = await edgeSize(join(before, 'bench/variants/edge-ours.ts'), join(out, 'mb-edge-before', 'edge-ours.mjs'));
  const official = await buildLambda(join(variants, 'official.ts'), join(out, 'mb-official'), 'official');
  const officialMetrics = await buildLambda(join(variants, 'official-metrics.ts'), join(out, 'mb-official-metrics'), 'official-metrics');

  const delta = (now: number, then: number) => `${now >= then ? '+' : ''}${kib(now - then)}`;
  const rows = [
    '| bundle (what a cold start loads) | with metrics, KiB min / gzip | without, KiB min / gzip | metrics add, KiB min / gzip |',
    '|---|---|---|---|',
    `| ours, Lambda (bench handler; without = ${BEFORE_METRICS}, before metrics) | ${both(oursNow.cold)} | ${both(oursBefore.cold)} | ${delta(oursNow.cold.bytes, oursBefore.cold.bytes)} / ${delta(oursNow.cold.gzipBytes, oursBefore.cold.gzipBytes)} |`,
    `| ours, edge (one file) | ${both(edgeNow)} | ${both(edgeBefore)} | ${delta(edgeNow.bytes, edgeBefore.bytes)} / ${delta(edgeNow.gzipBytes, edgeBefore.gzipBytes)} |`,
    `| official, Lambda (+ MeterProvider, PeriodicExportingMetricReader, OTLP proto metrics exporter) | ${both(officialMetrics.cold)} | ${both(official.cold)} | ${delta(officialMetrics.cold.bytes, official.cold.bytes)} / ${delta(officialMetrics.cold.gzipBytes, official.cold.gzipBytes)} |`,
  ];

  // Ours: the metrics modules, input by input.
  const metricsInputs = [...oursNow.inputs].filter(([input]) => METRICS_INPUT.test(input)).sort((a, b) => b[1] - a[1]);
  const metricsTotal = metricsInputs.reduce((sum, [, bytes]) => sum + bytes, 0);
  const totalOf = (built: Built) => [...built.inputs.values()].reduce((a, b) => a + b, 0);
  const ours = [
    '',
    `Ours (Lambda): the modules that are there for metrics, bytes in the loaded files (esbuild metafile)`,
    '',
    '| input | KiB |',
    '|---|---|',
    ...metricsInputs.map(([input, bytes]) => `| ${input.replace(/^.*node_modules\//, '')} | ${kib(bytes)} |`),
    `| **metrics modules** | **${kib(metricsTotal)}** |`,
    `| the rest of the growth since ${BEFORE_METRICS} (pipeline, config, lifecycle, the outcome each invocation is counted from) | ${kib(totalOf(oursNow) - totalOf(oursBefore) - metricsTotal)} |`,
  ];

  // Official: what the metrics stack adds, package by package.
  const byPackage = (built: Built) => {
    const packages = new Map<string, number>();
    for (const [input, bytes] of built.inputs) packages.set(packageOf(input), (packages.get(packageOf(input)) ?? 0) + bytes);
    return packages;
  };
  const withMetrics = byPackage(officialMetrics);
  const without = byPackage(official);
  const added = [...withMetrics]
    .map(([name, bytes]) => [name, bytes - (without.get(name) ?? 0)] as const)
    .filter(([, bytes]) => Math.abs(bytes) >= 50)
    .sort((a, b) => b[1] - a[1]);
  const officialRows = [
    '',
    'Official: what the metrics stack adds to the official setup, package by package',
    '',
    '| package | KiB added |',
    '|---|---|',
    ...added.map(([name, bytes]) => `| ${name} | ${kib(bytes)} |`),
  ];
  return [...rows, ...ours, ...officialRows].join('\n');
}
