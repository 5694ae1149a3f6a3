import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { gate } from '../helpers/fake-exporters.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { expectOwnTraceIds, waitFor } from './edge-assertions.ts';

const DENO = createRequire(import.meta.url).resolve('deno/bin.cjs');
let receiver: OtlpReceiver;
let deno: ChildProcess;
let base: string;
const output: string[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // A file of this process's own: Deno reads it from disk, and a second suite beside this one rebuilds its own.
  const bundle = `.cache/edge/fetch-handler-${process.pid}.mjs`;
  await buildEdgeBundle('test/edge/fixtures/fetch-handler.ts', bundle);
  deno = spawn(process.execPath, [DENO, 'run', '--allow-net', '--allow-env', '--allow-read', 'test/edge/fixtures/deno-server.ts', bundle], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DENO_NO_UPDATE_CHECK: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Logs gzipped with Deno's CompressionStream, spans as they are: both paths in one server.
      OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'gzip',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    deno.stdout!.on('data', (chunk) => {
      output.push(String(chunk));
      const match = /listening (\d+)/.exec(output.join(''));
      if (match) resolve(match[1]!);
    });
    deno.stderr!.on('data', (chunk) => output.push(String(chunk)));
    deno.on('exit', (code) => reject(new Error(`deno exited with ${code}: ${output.join('')}`)));
  });
  base = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  deno?.kill('SIGKILL');
  await receiver?.close();
});

describe('a fetch handler under Deno.serve (real Deno)', () => {
  it('answers before the export (no waitUntil: Deno keeps running, the flush goes on in the background)', async () => {
    // The sink answers only once the response is here: a flush before the response would time out against it.
    const sink = gate();
    receiver.behave({ until: sink.wait });
    const response = await fetch(`${base}/?id=slow-sink`, {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(await response.text()).toBe('ok slow-sink');
    sink.open();
    await waitFor(
      () =>
        receiver.logs.filter((l) => String(l.body).startsWith('request slow-sink')).length === 2 &&
        receiver.spans.length > 0 &&
        receiver.metrics.some((m) => m.name === 'faas.invocations'),
    );
    receiver.behave({});
    const span = receiver.spans.find((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736')!;
    expect(span).toMatchObject({
      name: 'GET',
      parentSpanId: '00f067aa0ba902b7',
      resource: { 'service.name': 'edge-fetch', 'cloud.provider': 'deno', 'process.runtime.name': 'deno' },
    });
    expect(new Set(receiver.requests.map((r) => `${r.path} ${r.headers['content-encoding']}`))).toEqual(
      new Set(['/v1/traces undefined', '/v1/logs gzip', '/v1/metrics undefined']),
    );
  });

  it('1000 concurrent requests: 1000 traces, each log carries only its own trace id', async () => {
    const before = receiver.spans.length;
    const texts = await Promise.all(Array.from({ length: 1000 }, (_, i) => fetch(`${base}/?id=c${i}`).then((r) => r.text())));
    expect(texts.filter((text, i) => text === `ok c${i}`)).toHaveLength(1000);
    // Spans and logs travel in separate requests: wait for both, or a log is checked before its span arrives.
    await waitFor(
      () => receiver.logs.filter((l) => /^request c\d+ /.test(String(l.body))).length === 2000 && receiver.spans.length - before >= 1000,
      30_000,
    );
    expectOwnTraceIds(receiver.spans.slice(before), receiver.logs, /^request (c\d+) /, 1000);
  }, 60_000);
});
