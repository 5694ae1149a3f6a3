#!/usr/bin/env node
// node build.mjs [name ...] [--watch]
// Bundles every function in functions/ into dist/<name>/ (index.mjs, source map, meta.json, <name>.zip),
// prints a size table, and fails when an artifact is over its budget.
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
  console.log('| function | kind | minified | gzip | budget | top contributors |');
  console.log('|---|---|---|---|---|---|');
  for (const a of rows) {
    const top = a.topContributors.map((c) => `${c.name} ${kib(c.bytes)}`).join(', ');
    console.log(
      `| ${a.name} | ${a.kind} | ${kib(a.bytes)} | ${kib(a.gzipBytes)} | ${kib(BUDGETS[a.kind])}${a.overBudget ? ' OVER' : ''} | ${top} |`,
    );
  }
  for (const a of rows.filter((r) => r.overBudget))
    console.error(`build: ${a.name} is ${kib(a.bytes)}, over its ${kib(BUDGETS[a.kind])} budget`);
  process.exit(failed ? 1 : 0);
}
