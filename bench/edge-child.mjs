// Response-path latency of an edge fetch handler: time until the Response, with the telemetry flush left
// to waitUntil (collected here and awaited between requests, so flushes do not overlap the measurement).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

console.log = () => {};
const [bundle, countText] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const count = Number(countText);
const durations = [];
for (let i = 0; i < count + 200; i++) {
  const pending = [];
  const context = { waitUntil: (promise) => pending.push(promise) };
  const started = performance.now();
  await handler(new Request(`https://edge.test/items/${i}`), context);
  if (i >= 200) durations.push(performance.now() - started);
  for (let n = 0; n !== pending.length;) {
    n = pending.length;
    await Promise.allSettled([...pending]);
  }
}
durations.sort((a, b) => a - b);
writeFileSync(
  process.env.BENCH_RESULT_FILE,
  JSON.stringify({ medianMs: durations[Math.floor(durations.length / 2)], p99Ms: durations[Math.floor(durations.length * 0.99)] }),
);
process.exit(0);
