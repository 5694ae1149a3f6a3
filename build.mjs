#!/usr/bin/env node
// node build.mjs [name ...] [--watch]
// Bundles every function in functions/ into dist/<name>/ (index.mjs, Lambda: its chunks, source maps, meta.json,
// <name>.zip), prints a size table, and fails when what a cold start loads is over its budget.
import { parseArgs } from 'node:util';
import { BUDGETS, buildArtifact, findFunctions, watchArtifact } from './tools/build-artifacts.ts';

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
let args;
try {
  args = parseArgs({ allowPositionals: true, options: { watch: { type: 'boolean', default: false } } });
} catch (error) {
  console.error(`build: ${error.message}`);
  process.exit(2);
}
let sources;
try {
  sources = findFunctions(args.positionals);
} catch (error) {
  console.error(`build: ${error.message}`);
  process.exit(2);
}

if (args.values.watch) {
  for (const source of sources) {
    await watchArtifact(source, (errors) =>
      console.log(errors.length ? `build: ${source.name} failed:\n  ${errors.join('\n  ')}` : `build: ${source.name} rebuilt`),
    );
  }
  console.log(`build: watching ${sources.map((s) => s.name).join(', ')} (Ctrl-C to stop)`);
} else {
  const rows = [];
  let failed = false;
  for (const source of sources) {
    try {
      const artifact = await buildArtifact(source);
      rows.push(artifact);
      if (artifact.overBudget) failed = true;
    } catch (error) {
      failed = true;
      const details = (error.errors ?? []).map((e) => `${e.location?.file}:${e.location?.line}:${e.location?.column}: ${e.text}`);
      console.error(`build: ${source.name} (${source.entry}) did not bundle:\n  ${details.length ? details.join('\n  ') : error.message}`);
    }
  }
  // "cold start" is what a default cold start loads (the entry and the chunks it imports statically: the
  // budget's measure); "artifact" is every code file, chunks loaded on demand (the Loki fallback) included.
  console.log('| function | kind | cold start min | cold start gzip | artifact min | artifact gzip | files | budget | top contributors |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const a of rows) {
    const top = a.topContributors.map((c) => `${c.name} ${kib(c.bytes)}`).join(', ');
    const files = `${a.coldStartFiles.length} + ${a.lazyFiles.length} lazy`;
    console.log(
      `| ${a.name} | ${a.kind} | ${kib(a.bytes)} | ${kib(a.gzipBytes)} | ${kib(a.totalBytes)} | ${kib(a.totalGzipBytes)} | ${files} | ${kib(BUDGETS[a.kind])}${a.overBudget ? ' OVER' : ''} | ${top} |`,
    );
  }
  for (const a of rows.filter((r) => r.overBudget))
    console.error(`build: ${a.name} loads ${kib(a.bytes)} at a cold start, over its ${kib(BUDGETS[a.kind])} budget`);
  process.exit(failed ? 1 : 0);
}
