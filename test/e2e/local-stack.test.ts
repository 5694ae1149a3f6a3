import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COLLECTOR_BINARY, collectorAvailability } from '../helpers/collector.ts';

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
    expect(Object.keys(services).sort()).toEqual(['grafana', 'loki', 'otel-collector', 'tempo', 'victoria-metrics']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
      for (const port of service.ports ?? []) expect(String(port), name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    expect(services['otel-collector'].image).toBe('otel/opentelemetry-collector-contrib:0.161.0');
    expect(services['otel-collector'].ports).toEqual(expect.arrayContaining(['127.0.0.1:4317:4317', '127.0.0.1:4318:4318']));
    // The user's own images (AGPL: pulled by the user, never built or run here), pinned.
    expect(services.loki.image).toBe('grafana/loki:3.7.8');
    expect(services.tempo.image).toBe('grafana/tempo:2.9.0');
    // The metrics store is the one the tests and `npm run stack` run, built from the same version (Apache-2.0).
    expect(services['victoria-metrics'].image).toBe('victoriametrics/victoria-metrics:v1.151.0');
    expect(readFileSync(join(STACK, '../tools/victoriametrics-build.sh'), 'utf8')).toMatch(/VictoriaMetrics 1\.151\.0 /);
  });

  it('runs every healthcheck inside its image: no shell in the distroless ones, Loki through its own binary', () => {
    // Loki (3.6 on), Tempo and the collector images are distroless: no /bin/sh, no wget. Grafana's has both.
    for (const name of ['loki', 'tempo', 'otel-collector']) {
      const test: string[] = services[name].healthcheck?.test ?? [];
      expect(test[0] ?? 'none', name).not.toBe('CMD-SHELL');
      expect(test.join(' '), name).not.toMatch(/wget|curl|\bsh\b/);
    }
    // /usr/bin/loki is where Loki's Dockerfile (cmd/loki/Dockerfile) puts the binary.
    expect(services.loki.healthcheck.test).toEqual(['CMD', '/usr/bin/loki', '-health', '-health.url=http://localhost:3100/ready']);
    expect(services.tempo.healthcheck).toBeUndefined(); // Tempo's binary has no health command
    expect(services.grafana.healthcheck.test.join(' ')).toMatch(/wget -q --spider http:\/\/localhost:3000\//);
    // VictoriaMetrics' image is Alpine-based: busybox wget, run without a shell.
    expect(services['victoria-metrics'].healthcheck.test).toEqual(['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:8428/health']);
    // Only a backend with a healthcheck can be waited on as healthy; Tempo is waited on as started.
    for (const name of ['otel-collector', 'grafana']) {
      expect(services[name].depends_on).toEqual({
        loki: { condition: 'service_healthy' },
        tempo: { condition: 'service_started' },
        'victoria-metrics': { condition: 'service_healthy' },
      });
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

  it("sends logs to Loki's OTLP endpoint, traces to Tempo and metrics to VictoriaMetrics, at the compose service names", () => {
    const config = readFileSync(join(STACK, 'collector/config.yaml'), 'utf8');
    expect(config).toContain('${env:LOGS_OTLP_ENDPOINT:-http://loki:3100/otlp}');
    expect(config).toContain('${env:TRACES_OTLP_ENDPOINT:-http://tempo:4318}');
    expect(config).toContain('${env:METRICS_OTLP_ENDPOINT:-http://victoria-metrics:8428/opentelemetry}');
    expect(services['victoria-metrics'].command).toContain('-httpListenAddr=:8428');
    const { datasources } = parse(readFileSync(join(STACK, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8'));
    expect(datasources.find((d: any) => d.uid === 'victoria-metrics')).toMatchObject({
      type: 'prometheus',
      url: 'http://victoria-metrics:8428',
    });
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
  // The pipeline itself runs against the real VictoriaLogs and Jaeger in real-stack.test.ts, VictoriaMetrics in metrics-store.test.ts.
});

function require_resolve(specifier: string): string {
  return join(dirname(new URL(import.meta.resolve('dclint/package.json')).pathname), specifier.replace(/^dclint\//, ''));
}
