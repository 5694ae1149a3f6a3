// Runs N sequential requests (global fetch, or node:http) to an in-process loopback server through one
// bundled outbound variant, in a fresh process, and writes µs per request (wall and CPU) to BENCH_RESULT_FILE.
import { writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import { pathToFileURL } from 'node:url';

const [bundle, client, countText] = process.argv.slice(2);
const count = Number(countText);
const server = createServer((_request, response) => response.end('ok'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/item`;
const agent = new (await import('node:http')).Agent({ keepAlive: true });
const one =
  client === 'fetch'
    ? () => fetch(url).then((r) => r.text())
    : () =>
        new Promise((resolve, reject) =>
          get(url, { agent }, (r) => {
            r.resume();
            r.on('end', resolve);
          }).on('error', reject),
        );
const { runner } = await import(pathToFileURL(bundle).href);
const loop = (n) => async () => {
  for (let i = 0; i < n; i++) await one();
};
await runner(loop(300));
let measured;
await runner(async () => {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await loop(count)();
  const used = process.cpuUsage(cpu);
  measured = { wallUs: ((performance.now() - wall) * 1000) / count, cpuUs: (used.user + used.system) / count };
});
writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify(measured));
server.close();
agent.destroy();
process.exit(0);
