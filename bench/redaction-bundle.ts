/**
 * The bundle part of the redaction section: the bytes the redaction modules take in what a cold start loads of
 * ours (the bench handler, Lambda and edge; esbuild metafile, per input), and the whole bundle now against the
 * commit before redaction (its sources from `git archive`, built with the same esbuild settings). The Lambda
 * bundle of that commit is also the third case of the section's cold start.
 */
import { join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { buildEdgeBundle, bundleLambda, outputFiles, sizeOf } from '../tools/build-artifacts.ts';
import { checkout, inputsOf } from './metrics-bundle.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** The last commit before redaction (the parent of the redaction commit, 53089fb). */
export const BEFORE_REDACTION = 'b539f3e';
// The modules that are there for redaction only; src/core/secret-query.ts predates it (it grew by a function).
const REDACTION_INPUT = /src\/core\/redaction\/|src\/core\/config\/(?:read-redaction|config-reference-redaction)\.ts/;

interface Built {
  readonly size: { bytes: number; gzipBytes: number };
  readonly inputs: Map<string, number>;
  /** The entry file (Lambda: what the cold-start runs import). */
  readonly file: string;
}

async function lambda(entry: string, dir: string): Promise<Built> {
  const metafile = await bundleLambda(entry, dir, 'ours');
  const file = join(dir, 'ours.mjs');
  return { size: sizeOf(outputFiles(metafile, file).coldStart), inputs: inputsOf(metafile, file), file };
}

async function edge(entry: string, file: string): Promise<Built> {
  const { code, metafile } = await buildEdgeBundle(entry, file);
  return { size: { bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length }, inputs: edgeInputs(metafile), file };
}

/** Bytes per input of a one-file edge bundle. */
function edgeInputs(metafile: Metafile): Map<string, number> {
  const inputs = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput);
  return inputs;
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const both = (size: { bytes: number; gzipBytes: number }) => `${kib(size.bytes)} / ${kib(size.gzipBytes)}`;
const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${kib(bytes)}`;
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const redactionBytes = (built: Built) => sum([...built.inputs].filter(([input]) => REDACTION_INPUT.test(input)).map(([, b]) => b));

/** Builds ours now and before redaction (Lambda and edge) into `out`; the tables, and the Lambda bundle before redaction. */
export async function redactionBundles(out: string): Promise<{ table: string; lambdaBefore: string }> {
  const before = join(out, `before-${BEFORE_REDACTION}`);
  checkout(BEFORE_REDACTION, before);
  const variants = join(ROOT, 'bench', 'variants');
  const lambdaNow = await lambda(join(variants, 'ours.ts'), join(out, 'rb-ours'));
  const lambdaThen = await lambda(join(before, 'bench/variants/ours.ts'), join(out, 'rb-ours-before'));
  const edgeNow = await edge(join(variants, 'edge-ours.ts'), join(out, 'rb-edge', 'edge-ours.mjs'));
  const edgeThen = await edge(join(before, 'bench/variants/edge-ours.ts'), join(out, 'rb-edge-before', 'edge-ours.mjs'));

  const row = (name: string, now: Built, then: Built) =>
    `| ${name} | ${both(now.size)} | ${both(then.size)} | ${signed(now.size.bytes - then.size.bytes)} / ${signed(now.size.gzipBytes - then.size.gzipBytes)} | ${kib(redactionBytes(now))} | ${kib(sum(now.inputs.values()) - sum(then.inputs.values()) - redactionBytes(now))} |`;
  const perInput = (built: Built) => new Map([...built.inputs].filter(([input]) => REDACTION_INPUT.test(input)));
  const lambdaInputs = perInput(lambdaNow);
  const edgeInputsNow = perInput(edgeNow);
  const names = [...new Set([...lambdaInputs.keys(), ...edgeInputsNow.keys()])].sort(
    (a, b) => (lambdaInputs.get(b) ?? 0) - (lambdaInputs.get(a) ?? 0),
  );
  const table = [
    `| bundle (what a cold start loads) | now, KiB min / gzip | before redaction (${BEFORE_REDACTION}), KiB min / gzip | added, KiB min / gzip | of which the redaction modules, KiB min | the rest of the growth (wiring: options, config, telemetry, console bridge, secret-query), KiB min |`,
    '|---|---|---|---|---|---|',
    row('ours, Lambda (bench handler)', lambdaNow, lambdaThen),
    row('ours, edge (one file)', edgeNow, edgeThen),
    '',
    'The redaction modules, bytes in the loaded files (esbuild metafile)',
    '',
    '| input | Lambda KiB | edge KiB |',
    '|---|---|---|',
    ...names.map((name) => `| ${name} | ${kib(lambdaInputs.get(name) ?? 0)} | ${kib(edgeInputsNow.get(name) ?? 0)} |`),
    `| **redaction modules** | **${kib(redactionBytes(lambdaNow))}** | **${kib(redactionBytes(edgeNow))}** |`,
  ].join('\n');
  return { table, lambdaBefore: lambdaThen.file };
}
