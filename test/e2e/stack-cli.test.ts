import { ValueType } from '@opentelemetry/api';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deltaMetricsBody } from '../helpers/delta-metrics.ts';
import { eventually, queryMetrics, realStackAvailability } from '../helpers/real-stack.ts';

const availability = realStackAvailability();
const ROOT = new URL('../..', import.meta.url).pathname;

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `npm run query` until its output shows `wanted` (the collector batches for a second), within a minute. */
async function queryUntil(
  args: string[],
  wanted: (stdout: string) => boolean,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const deadline = Date.now() + 60_000;
  let result = await run('tools/query.ts', args);
  while (!wanted(result.stdout) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    result = await run('tools/query.ts', args);
  }
  return result;
}

describe('npm run query: arguments', () => {
  it('refuses something that is not a trace id, and says what one is', async () => {
    const { code, stderr } = await run('tools/query.ts', ['not-a-trace']);
    expect(code).toBe(2);
    expect(stderr).toContain('a trace id is 32 hex digits');
  });

  it('says when it cannot reach the stack', async () => {
    const { code, stderr } = await run('tools/query.ts', [
      '--service',
      'x',
      '--logs',
      'http://127.0.0.1:9',
      '--jaeger',
      'http://127.0.0.1:9',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot read (Jaeger|VictoriaLogs) at http:\/\/127\.0\.0\.1:9.*npm run stack/);
  });
});

describe.skipIf(!availability.run)('npm run stack (no docker) → npm run invoke → npm run query', () => {
  let stack: ChildProcessWithoutNullStreams;
  let output = '';
  let urls: { otlp: string; logs: string; vmui: string; metrics: string; metricsUi: string; jaeger: string };
  let exited: Promise<number | null>;
  beforeAll(async () => {
    stack = spawn(process.execPath, ['tools/stack.ts', '--free-ports'], { cwd: ROOT, env: { PATH: process.env.PATH } });
    stack.stdout.on('data', (chunk) => (output += chunk));
    stack.stderr.on('data', (chunk) => (output += chunk));
    exited = new Promise((resolve) => stack.on('exit', resolve));
    const deadline = Date.now() + 240_000;
    while (!output.includes('Ctrl-C stops the stack.') && Date.now() < deadline && stack.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const url = (label: string) => new RegExp(`${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`).exec(output)?.[1] ?? '';
    urls = {
      otlp: url('OTLP/HTTP for functions'),
      logs: url('VictoriaLogs \\(LogsQL\\)'),
      vmui: /VictoriaLogs web UI\s+(\S+)/.exec(output)?.[1] ?? '',
      metrics: url('VictoriaMetrics \\(PromQL\\)'),
      metricsUi: /VictoriaMetrics web UI\s+(\S+)/.exec(output)?.[1] ?? '',
      jaeger: url('Jaeger \\(query API\\)'),
    };
  }, 300_000);
  afterAll(async () => {
    if (stack?.exitCode === null) stack.kill('SIGKILL');
  });

  it('starts the collector, VictoriaLogs, VictoriaMetrics and Jaeger on loopback and prints the URLs and the line to export', () => {
    expect(output).toContain('stack: ready');
    expect(urls.otlp).not.toBe('');
    expect(urls.logs).not.toBe('');
    expect(urls.metrics).not.toBe('');
    expect(urls.jaeger).not.toBe('');
    expect(output).toContain(`export OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlp}`);
    expect(output).toContain(`npm run query -- <trace-id> --logs ${urls.logs} --jaeger ${urls.jaeger}`);
  });

  it("prints VictoriaLogs' web UI address with a ready query for the example service, and the UI is served there", async () => {
    const link = new URL(urls.vmui);
    expect(link.origin).toBe(urls.logs);
    expect(link.pathname).toBe('/select/vmui/');
    expect(new URLSearchParams(link.hash.replace(/^#\/\?/, '')).get('query')).toBe('{service.name="orders-api"}');
    const page = await fetch(link, { signal: AbortSignal.timeout(10_000) });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
  });

  it("prints VictoriaMetrics' PromQL API with a query that totals delta points, and its web UI with that query", async () => {
    const printed = /VictoriaMetrics \(PromQL\)\s+(\S+)\s+e\.g\. (.+)/.exec(output);
    expect(printed?.[1]).toBe(`${urls.metrics}/api/v1/query`);
    expect(printed?.[2]).toBe('sum(sum_over_time({__name__="faas.invocations","service.name"="orders-api"}[1h]))');
    const link = new URL(urls.metricsUi);
    expect(link.origin).toBe(urls.metrics);
    expect(link.pathname).toBe('/vmui/');
    expect(new URLSearchParams(link.hash.replace(/^#\/\?/, '')).get('g0.expr')).toBe(printed?.[2]);
    const page = await fetch(link, { signal: AbortSignal.timeout(10_000) });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
  });

  it("takes OTLP metrics at the collector's endpoint and VictoriaMetrics totals them", async () => {
    const service = `stack-cli-${randomBytes(4).toString('hex')}`;
    const end = Date.now() - 1000;
    for (const instance of ['a', 'b', 'c']) {
      const body = deltaMetricsBody(
        { 'service.name': service, 'service.instance.id': instance },
        [{ kind: 'sum', name: 'faas.invocations', unit: '{invocation}', valueType: ValueType.INT, points: [{ value: 2 }] }],
        { start: end - 1000, end },
      );
      const response = await fetch(`${urls.otlp}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
    }
    // The collector batches for a second; a flush makes what VictoriaMetrics took searchable at once.
    const total = await eventually(
      async () => {
        await (await fetch(`${urls.metrics}/internal/force_flush`, { signal: AbortSignal.timeout(10_000) })).arrayBuffer();
        return queryMetrics(urls.metrics, `sum(sum_over_time({__name__="faas.invocations","service.name"="${service}"}[1h]))`);
      },
      (samples) => samples[0]?.value === 6,
    );
    expect(total.map((sample) => sample.value)).toEqual([6]);
  }, 120_000);

  it('takes a function invoked with --endpoint, and query prints the trace from Jaeger with its lines from VictoriaLogs', async () => {
    const invoked = await run('tools/invoke.ts', ['orders-api', '--endpoint', urls.otlp, '--quiet']);
    expect(invoked.code).toBe(0);
    expect(invoked.stdout).toContain('upstream answers: 200');
    const traceId = /^\s+([0-9a-f]{32}) GET \/orders\/\{id\}/m.exec(invoked.stdout)?.[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const query = await queryUntil([traceId!, '--logs', urls.logs, '--jaeger', urls.jaeger], (out) =>
      /2 span\(s\) in Jaeger, 2 log line\(s\) in VictoriaLogs/.test(out),
    );
    expect(query.code).toBe(0);
    expect(query.stdout).toContain(`trace ${traceId}: 2 span(s) in Jaeger, 2 log line(s) in VictoriaLogs`);
    // The tree: the SERVER span with its lines under it, then its child.
    expect(query.stdout).toMatch(
      /GET \/orders\/\{id\} .*\[SERVER\].*HTTP 200[^\n]*\n.*INFO\s+handling GET \/orders\/\{id\} [\w-]+\n.*INFO\s+\{"event":"order\.loaded"[^\n]*\n.*load order .*\[INTERNAL\]/,
    );
  }, 180_000);

  it('query --service lists the traces Jaeger has for the service and the lines VictoriaLogs has by service name', async () => {
    const query = await queryUntil(['--service', 'orders-api', '--logs', urls.logs, '--jaeger', urls.jaeger], (out) =>
      /Jaeger: [1-9]\d* trace/.test(out),
    );
    expect(query.code).toBe(0);
    expect(query.stdout).toMatch(/Jaeger: [1-9]\d* trace\(s\) of service orders-api/);
    expect(query.stdout).toMatch(/[0-9a-f]{32}\s+GET \/orders\/\{id\}/);
    expect(query.stdout).toMatch(/VictoriaLogs: [1-9]\d* log line\(s\) with "service\.name":="orders-api" OR service_name:="orders-api"/);
    expect(query.stdout).toMatch(/handling GET \/orders\/\{id\} [\w-]+\s+trace_id=[0-9a-f]{32}/);
  }, 120_000);

  it('stops everything on SIGTERM: the ports close', async () => {
    stack.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stack: stopped');
    for (const url of [urls.otlp, urls.logs, urls.metrics, urls.jaeger]) {
      await expect(fetch(url, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
    }
  }, 60_000);
});
