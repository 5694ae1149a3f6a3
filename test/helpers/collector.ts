import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tools/loopback.ts';
import { fromOtlpJsonLine, type ReceivedLog, type ReceivedMetric, type ReceivedSpan } from '../../tools/otlp-decode.ts';
import { COLLECTOR_BINARY } from '../../tools/stack/collector.ts';
import { onFreshPortsWhenTaken } from '../../tools/stack/process.ts';

export { COLLECTOR_BINARY };

/**
 * Whether end-to-end tests can run. In CI a missing collector is an error (the tests fail, never skip);
 * locally, without Go, they skip with this message.
 */
export function collectorAvailability(): { run: boolean; reason: string } {
  if (existsSync(COLLECTOR_BINARY)) return { run: true, reason: '' };
  const reason = `no collector at ${COLLECTOR_BINARY}: run \`npm run collector:build\` (needs Go)`;
  if (process.env.CI) throw new Error(`${reason} — CI must build it before the tests`);
  return { run: false, reason };
}

export { freePort } from '../../tools/loopback.ts';

export interface RunningCollector {
  /** OTLP/HTTP base endpoint. */
  readonly endpoint: string;
  readonly dir: string;
  /** Stops the collector gracefully (it flushes its file exporters) and reads what it received. */
  stop(): Promise<{ spans: ReceivedSpan[]; logs: ReceivedLog[]; metrics: ReceivedMetric[] }>;
}

/**
 * Starts the real collector on free loopback ports with the file exporter writing every span, log and metric it
 * received as OTLP JSON lines; resolves once its health check answers.
 */
export async function startCollector(options: { port?: number } = {}): Promise<RunningCollector> {
  return onFreshPortsWhenTaken(() => startCollectorOnce(options));
}

async function startCollectorOnce(options: { port?: number }): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'otelcol-'));
  const [otlpPort, healthPort] = [options.port ?? (await freePort()), await freePort()];
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
exporters:
  file/traces:
    path: ${join(dir, 'traces.jsonl')}
    flush_interval: 100ms
  file/logs:
    path: ${join(dir, 'logs.jsonl')}
    flush_interval: 100ms
  file/metrics:
    path: ${join(dir, 'metrics.jsonl')}
    flush_interval: 100ms
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file/traces]
    logs:
      receivers: [otlp]
      exporters: [file/logs]
    metrics:
      receivers: [otlp]
      exporters: [file/metrics]
`,
  );
  const output: string[] = [];
  const child: ChildProcess = spawn(COLLECTOR_BINARY, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => output.push(String(chunk)));
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  await waitHealthy(`http://127.0.0.1:${healthPort}/`, exited, output);
  return {
    endpoint: `http://127.0.0.1:${otlpPort}`,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return {
        spans: readLines(join(dir, 'traces.jsonl')).flatMap((l) => fromOtlpJsonLine(l).spans),
        logs: readLines(join(dir, 'logs.jsonl')).flatMap((l) => fromOtlpJsonLine(l).logs),
        metrics: readLines(join(dir, 'metrics.jsonl')).flatMap((l) => fromOtlpJsonLine(l).metrics),
      };
    },
  };
}

async function waitHealthy(url: string, exited: Promise<number | null>, output: string[]): Promise<void> {
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`the collector exited at start:\n${output.join('')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the collector did not become healthy in 20 s:\n${output.join('')}`);
}

function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
