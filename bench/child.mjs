// Runs one benchmark mode against one bundled handler in a fresh process and writes JSON to
// BENCH_RESULT_FILE. stdout (the handler's console lines) goes wherever the parent sends it.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, mode, countText] = process.argv.slice(2);
const count = Number(countText ?? 1);
let sequence = 0;
const context = () => {
  const deadline = Date.now() + 30_000;
  sequence += 1;
  return {
    awsRequestId: `bench-${sequence}`,
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
    functionName: 'bench',
    functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// BENCH_SILENT: replace console.log by a no-op before the handler loads, to profile the instrumentation alone.
if (process.env.BENCH_SILENT) console.log = () => {};
const started = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();
let result;
if (mode === 'cold') {
  await handler({ i: 0 }, context());
  const invoked = performance.now();
  result = { importMs: imported - started, firstInvokeMs: invoked - imported, totalMs: invoked - started };
} else if (mode === 'warm') {
  for (let i = 0; i < 500; i++) await handler({ i }, context());
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < count; i++) await handler({ i }, context());
  const used = process.cpuUsage(cpu);
  result = { cpuUsPerInvocation: (used.user + used.system) / count, wallUsPerInvocation: ((performance.now() - wall) * 1000) / count };
} else if (mode === 'latency') {
  for (let i = 0; i < 5; i++) await handler({ i }, context());
  const durations = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await handler({ i }, context());
    durations.push(performance.now() - t);
  }
  result = { medianMs: median(durations) };
} else if (mode === 'series') {
  // Each invocation's own duration, from the first (the one that meets the fault) on.
  const durations = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await handler({ i }, context());
    durations.push(performance.now() - t);
  }
  result = { firstMs: durations[0], steadyMedianMs: durations.length > 1 ? median(durations.slice(1)) : durations[0] };
} else if (mode === 'burst') {
  // One invocation writes `count` console lines in one loop; then 5 ordinary ones. How long the burst
  // invocation took (its flush included), and what the ones after it cost.
  await handler({ i: 0 }, context());
  const t = performance.now();
  await handler({ i: 1, lines: count }, context());
  const burstMs = performance.now() - t;
  const after = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await handler({ i: 2 + i }, context());
    after.push(performance.now() - s);
  }
  result = { burstMs, afterMedianMs: median(after) };
} else if (mode === 'memory') {
  // Heap after a 10% warm-up and after the rest, both after a full GC: growth means a leak.
  const warm = Math.floor(count / 10);
  for (let i = 0; i < warm; i++) await handler({ i }, context());
  globalThis.gc();
  const heapAfterWarmUp = process.memoryUsage().heapUsed;
  for (let i = warm; i < count; i++) await handler({ i }, context());
  globalThis.gc();
  result = {
    heapWarmMb: heapAfterWarmUp / 2 ** 20,
    heapEndMb: process.memoryUsage().heapUsed / 2 ** 20,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
} else if (mode === 'log-buffer') {
  // One console.log of an object holding a `count` MB Buffer, after warm-up invocations that log no Buffer:
  // that invocation's time (its flush included), the same without the Buffer just before, and what it added
  // to the peak RSS.
  await handler({ i: 0 }, context());
  await handler({ i: 1 }, context());
  const body = Buffer.alloc(count * 1024 * 1024, 1);
  let t = performance.now();
  await handler({ i: 2 }, context());
  const withoutMs = performance.now() - t;
  const rssBefore = process.resourceUsage().maxRSS;
  t = performance.now();
  await handler({ i: 3, body }, context());
  const ms = performance.now() - t;
  const peak = process.resourceUsage().maxRSS;
  result = { ms, withoutMs, peakRssMb: peak / 1024, addedRssMb: (peak - rssBefore) / 1024 };
} else if (mode === 'stream') {
  // Response-streaming handler: when the stream ended (what the client waits for) and when the handler
  // settled (after the flush), each from the call.
  const toEnd = [];
  const toSettle = [];
  for (let i = 0; i < count + 20; i++) {
    let ended = 0;
    const stream = {
      write() {},
      end() {
        ended = performance.now();
      },
    };
    const t = performance.now();
    await handler({ i }, stream, context());
    if (i >= 20) {
      toEnd.push(ended - t);
      toSettle.push(performance.now() - t);
    }
  }
  result = { endMedianMs: median(toEnd), settleMedianMs: median(toSettle) };
}
writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(result));
process.exit(0);
