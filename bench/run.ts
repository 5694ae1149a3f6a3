/**
 * Side-by-side benchmark: a bare handler, this library, and the plain official OpenTelemetry setup,
 * each bundled with esbuild and run in fresh Node processes against a loopback OTLP sink.
 * Run with `npm run bench` (add `-- --quick` for a short smoke run, `-- --only=bundle`, `--only=bytes`, `--only=burst`,
 * `--only=outbound`, `--only=post-response`, `--only=billed`, `--only=slow-collector`, `--only=log-buffer`, `--only=metrics`, `--only=sampling` or
 * `--only=redaction` or `--only=layer` for one table).
 * Prints Markdown tables; each table lives in a module of its own, what they share in harness.ts.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { billedTable } from './billed.ts';
import { bundleProfileTable } from './bundle-profile.ts';
import { burstTable } from './burst.ts';
import { bytesTable } from './bytes.ts';
import { edgeTable } from './edge.ts';
import { faultTable } from './faults.ts';
import { bundle, fmt, OUT, runChild, startSink, VARIANTS, type Bundled, type Variant } from './harness.ts';
import { bundleTable, lambdaTable } from './lambda-table.ts';
import { logBufferTable } from './log-buffer.ts';
import { memoryAndStreamingTables } from './memory.ts';
import { metricsBundleTable } from './metrics-bundle.ts';
import { metricsTable } from './metrics.ts';
import { outboundTable } from './outbound.ts';
import { postResponseTable } from './post-response.ts';
import { redactionTable } from './redaction.ts';
import { samplingTable } from './sampling.ts';
import { slowCollectorTable } from './slow-collector.ts';
import { layerTable } from './layer.ts';

const quick = process.argv.includes('--quick');
// `--only=burst` runs one table (with its own bundles and sink), for a figure checked on its own.
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  if (only === 'metrics') {
    // Its own bundles and sink: the metrics cases, then the bundle part.
    console.log(`${await metricsTable(quick)}\n\n${await metricsBundleTable(OUT)}`);
    return;
  }
  if (only === 'sampling') {
    // Its own bundles (the handler mix) and counting sink.
    console.log(await samplingTable(quick));
    return;
  }
  if (only === 'redaction') {
    // Its own bundles (the line shapes; ours now and before redaction) and sink.
    console.log(await redactionTable(quick));
    return;
  }
  if (only === 'layer') {
    // Its own layer builds, functions and receivers.
    console.log(await layerTable(quick));
    return;
  }
  if (only === 'billed') {
    // Its own three bundles and a sink per environment (each holding its answers 20 or 100 ms).
    console.log(await billedTable(quick));
    return;
  }
  if (only === 'slow-collector') {
    // Its own three bundles, a collector per environment (answering in 500 or 1500 ms), a Loki stand-in for one row.
    console.log(await slowCollectorTable(quick));
    return;
  }
  if (only === 'log-buffer') {
    // Its own two bundles and sink: none of the five variants is needed.
    const sink = await startSink(0);
    console.log(await logBufferTable(sink.url, quick));
    await sink.close();
    return;
  }
  const bundles = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, await bundle(v)] as const))) as Record<
    Variant,
    Bundled
  >;
  if (only === 'bundle') {
    console.log(`${bundleTable(bundles)}\n\n${await bundleProfileTable(OUT)}`);
    return;
  }
  if (only === 'outbound') {
    mkdirSync(OUT, { recursive: true });
    console.log(await outboundTable(OUT, quick));
    return;
  }
  const fast = await startSink(0);
  const slow = await startSink(20);
  if (only === 'post-response') {
    console.log(await postResponseTable(OUT, { fast: fast.url, slow: slow.url }, quick));
    await Promise.all([fast.close(), slow.close()]);
    return;
  }
  if (only === 'bytes') {
    console.log(await bytesTable(bundles, runChild, quick));
    await Promise.all([fast.close(), slow.close()]);
    return;
  }
  if (only === 'burst') {
    console.log(await burstTable(bundles, fast.url));
    await Promise.all([fast.close(), slow.close()]);
    return;
  }
  try {
    const lambda = await lambdaTable(bundles, { fast: fast.url, slow: slow.url, slowHoldMs: slow.holdMs }, quick);
    console.log(lambda.table);
    console.log(`\n${await faultTable(bundles, fast.url, quick)}`);
    console.log(`\n${await burstTable(bundles, fast.url)}`);
    console.log(`\n${await logBufferTable(fast.url, quick)}`);
    console.log(`\n${await postResponseTable(OUT, { fast: fast.url, slow: slow.url }, quick)}`);
    console.log(`\n${await bytesTable(bundles, runChild, quick)}`);
    console.log(`\n${await edgeTable(slow.url, quick)}`);
    console.log(`\n${await memoryAndStreamingTables(bundles, slow.url, quick)}`);
    console.log(`\n${await outboundTable(OUT, quick)}`);
    console.log(`\n${await metricsTable(quick)}\n\n${await metricsBundleTable(OUT)}`);
    console.log(`\n${await samplingTable(quick)}`);
    console.log(`\n${await redactionTable(quick)}`);
    console.log(`\n${await billedTable(quick)}`);
    console.log(`\n${await slowCollectorTable(quick)}`);
    console.log(
      `\nThe 20 ms sink held each request ${fmt(slow.holdMs(), 2)} ms (median). Node ${process.version}; ${lambda.runs}; rounds interleaved.`,
    );
  } finally {
    await fast.close();
    await slow.close();
  }
}

await main();
