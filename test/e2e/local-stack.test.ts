import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createLambdaObservability } from '../../src/lambda.ts';
import { COLLECTOR_BINARY, collectorAvailability, freePort } from '../helpers/collector.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

const STACK = resolve(import.meta.dirname, '../../local-stack');
const compose = parse(readFileSync(join(STACK, 'docker-compose.yml'), 'utf8'));
const services: Record<string, any> = compose.services;
const availability = collectorAvailability();
const collectorConfigs = readdirSync(join(STACK, 'collector')).filter((f) => f.endsWith('.yaml') && f !== 'manifest.yaml');

describe('local-stack/docker-compose.yml (no docker engine here: read and linted)', () => {
  it('passes dclint (the compose schema and its best-practice rules) with no warning', () => {
    const run = spawnSync(
      process.execPath,
      [require_resolve('dclint/bin/dclint.cjs'), '--max-warnings', '0', '--color', 'false', join(STACK, 'docker-compose.yml')],
      { encoding: 'utf8' },
    );
    expect(run.stdout + run.stderr).not.toMatch(/warning|error/);
    expect(run.status).toBe(0);
  });

  it('pins every image to a version and binds every port to 127.0.0.1', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'loki', 'otel-collector', 'tempo']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:\d+\.\d+\.\d+$/);
      for (const port of service.ports ?? []) expect(String(port), name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    expect(services['otel-collector'].image).toBe('otel/opentelemetry-collector-contrib:0.161.0');
    expect(services['otel-collector'].ports).toEqual(expect.arrayContaining(['127.0.0.1:4317:4317', '127.0.0.1:4318:4318']));
    expect(services.loki.image).toMatch(/^grafana\/loki:3\./);
  });

  it('has healthchecks, and the collector and Grafana wait for healthy backends', () => {
    for (const name of ['loki', 'tempo', 'grafana'])
      expect(services[name].healthcheck.test.join(' '), name).toMatch(/wget -q --spider http:\/\/localhost:\d+\//);
    for (const name of ['otel-collector', 'grafana']) {
      expect(services[name].depends_on).toEqual({ loki: { condition: 'service_healthy' }, tempo: { condition: 'service_healthy' } });
    }
  });

  it('mounts files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) expect(existsSync(join(STACK, volume.split(':')[0])), volume).toBe(true);
    }
  });

  it('provisions Grafana with Loki and Tempo linked both ways', () => {
    const { datasources } = parse(readFileSync(join(STACK, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8'));
    const loki = datasources.find((d: any) => d.type === 'loki');
    const tempo = datasources.find((d: any) => d.type === 'tempo');
    expect(loki.url).toBe('http://loki:3100');
    expect(tempo.url).toBe('http://tempo:3200');
    expect(loki.jsonData.derivedFields.map((f: any) => [f.datasourceUid, f.matcherRegex])).toEqual([
      [tempo.uid, 'trace_id'],
      [tempo.uid, 'trace_id=(\\w+)'],
    ]);
    expect(loki.jsonData.derivedFields[0].url).toBe('$${__value.raw}');
    expect(tempo.jsonData.tracesToLogsV2).toMatchObject({ datasourceUid: loki.uid, filterByTraceID: true });
    // The link's regex finds the id in the line our console bridge writes.
    expect(/trace_id=(\w+)/.exec('hello trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7')?.[1]).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it("sends logs to Loki's OTLP endpoint and traces to Tempo, at the compose service names", () => {
    const config = readFileSync(join(STACK, 'collector/config.yaml'), 'utf8');
    expect(config).toContain('${env:LOKI_OTLP_ENDPOINT:-http://loki:3100/otlp}');
    expect(config).toContain('${env:TEMPO_OTLP_ENDPOINT:-http://tempo:4318}');
    expect(parse(readFileSync(join(STACK, 'tempo/config.yaml'), 'utf8')).distributor.receivers.otlp.protocols.http.endpoint).toBe(
      '0.0.0.0:4318',
    );
  });
});

describe.skipIf(!availability.run)("the local stack's collector config, run with the real collector binary", () => {
  it.each(collectorConfigs)('otelcol validate --config %s', (file) => {
    const run = spawnSync(COLLECTOR_BINARY, ['validate', '--config', join(STACK, 'collector', file)], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  let loki: OtlpReceiver;
  let tempo: OtlpReceiver;
  let stop: () => Promise<void>;
  let endpoint: string;
  beforeAll(async () => {
    [loki, tempo] = [await startOtlpReceiver(), await startOtlpReceiver()];
    const [http, grpc, health] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(COLLECTOR_BINARY, ['--config', join(STACK, 'collector/config.yaml')], {
      stdio: 'ignore',
      env: {
        OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
        OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
        HEALTH_ENDPOINT: `127.0.0.1:${health}`,
        LOKI_OTLP_ENDPOINT: `${loki.url}/otlp`,
        TEMPO_OTLP_ENDPOINT: tempo.url,
      },
    });
    const exited = new Promise((done) => child.on('exit', done));
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    for (let i = 0; i < 200; i++) {
      if (
        await fetch(`http://127.0.0.1:${health}/`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    endpoint = `http://127.0.0.1:${http}`;
  }, 30_000);
  afterAll(async () => {
    await stop?.();
    await loki?.close();
    await tempo?.close();
  });

  it('delivers logs to the Loki OTLP path and spans to Tempo, correlated', async () => {
    const saved = console.log;
    const observability = createLambdaObservability({ endpoint }, LAMBDA_ENV);
    try {
      await observability.wrap(async (_event: unknown, _context: unknown) => {
        console.log('through the stack');
      })({}, lambdaContext());
    } finally {
      await observability.shutdown();
      console.log = saved;
    }
    for (let i = 0; i < 100 && (loki.logs.length === 0 || tempo.spans.length === 0); i++) await new Promise((r) => setTimeout(r, 50));
    expect(loki.requests.map((r) => r.path)).toContain('/otlp/v1/logs');
    expect(tempo.spans).toHaveLength(1);
    expect(loki.logs.map((l) => l.body)).toEqual(['through the stack']);
    expect(loki.logs[0]!.traceId).toBe(tempo.spans[0]!.traceId);
    expect(loki.logs[0]!.resource['service.name']).toBe('orders-api');
  });
});

function require_resolve(specifier: string): string {
  return join(dirname(new URL(import.meta.resolve('dclint/package.json')).pathname), specifier.replace(/^dclint\//, ''));
}
