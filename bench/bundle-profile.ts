/**
 * Where a bundle's bytes go, part by part: what a cold start loads of ours, of the official setup and of the
 * OpenTelemetry SDK alone, each built as a Lambda deploy artifact, its inputs grouped by what they do (the
 * esbuild metafile's bytes in the output). `npm run bench -- --only=bundle` prints it under the bundle table.
 */
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleLambda, outputFiles } from '../tools/build-artifacts.ts';

const ROOT = resolve(import.meta.dirname, '..');

// The first pattern an input matches names its part.
const PARTS: readonly (readonly [string, RegExp])[] = [
  ['OpenTelemetry API', /@opentelemetry\/api\//],
  [
    'OpenTelemetry SDK (core, sdk-trace, sdk-logs, resources, context)',
    /@opentelemetry\/(core|sdk-trace|sdk-logs|resources|context-async-hooks|semantic-conventions)\//,
  ],
  ['official OTLP exporters (exporter base, transformer)', /@opentelemetry\/(otlp-|exporter-)/],
  ['ours: OTLP encoder and exporter (partial success, request limits)', /src\/exporters\/otlp\//],
  ['ours: transport (node:http, retries, circuit breaker)', /src\/exporters\/transport\//],
  [
    'ours: queue, memory cap, failover, stdout fallback, delivery report',
    /src\/exporters\/|src\/core\/queue-processors|src\/core\/record-uid/,
  ],
  ['ours: configuration (options, environment, checks and their messages)', /src\/core\/config\//],
  ['ours: outbound CLIENT spans and propagation policy', /src\/core\/outbound\/|src\/lambda\/outbound-channels/],
  ['ours: trigger adapters (17 Lambda event sources, HTTP)', /src\/triggers\//],
  ['ours: console bridge (formatting, records, init capture, JSON line)', /src\/console\//],
  ['ours: Lambda runtime (wrapper, extension, post-response flush, resource)', /src\/lambda\//],
  ['ours: lifecycle (invocation span, flush, setup, propagation, diagnostics)', /src\/core\//],
];
const OTHER = 'the handler and anything else';

/** Bytes per part of what a cold start of the artifact loads. */
function profileOf(metafile: Metafile, entryFile: string): Map<string, number> {
  const cold = new Set(outputFiles(metafile, entryFile).coldStart.map((file) => relative(ROOT, file)));
  const parts = new Map<string, number>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!cold.has(relative(ROOT, resolve(ROOT, file)))) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const part = PARTS.find(([, pattern]) => pattern.test(input))?.[0] ?? OTHER;
      parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    }
  }
  return parts;
}

/** The profile table of ours, the official setup and the SDK alone, built into `out`. */
export async function bundleProfileTable(out: string): Promise<string> {
  const variants = ['ours', 'official', 'sdk-only'] as const;
  const profiles = new Map<string, Map<string, number>>();
  for (const variant of variants) {
    const dir = join(out, `profile-${variant}`);
    rmSync(dir, { recursive: true, force: true });
    const metafile = await bundleLambda(join(import.meta.dirname, 'variants', `${variant}.ts`), dir, variant);
    profiles.set(variant, profileOf(metafile, join(dir, `${variant}.mjs`)));
  }
  const kib = (bytes: number | undefined) => (bytes ? (bytes / 1024).toFixed(1) : '');
  const total = (variant: string) => [...profiles.get(variant)!.values()].reduce((a, b) => a + b, 0);
  const rows = [...PARTS.map(([part]) => part), OTHER].filter((part) => variants.some((v) => profiles.get(v)!.get(part)));
  return [
    'Where the bytes of a cold start go (KiB minified, the inputs as esbuild writes them into the loaded files)',
    '',
    '| part | ours | official | SDK alone |',
    '|---|---|---|---|',
    ...rows.map((part) => `| ${part} | ${variants.map((v) => kib(profiles.get(v)!.get(part))).join(' | ')} |`),
    `| **total** | ${variants.map((v) => `**${kib(total(v))}**`).join(' | ')} |`,
  ].join('\n');
}
