import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';

const urls = (config: ReturnType<typeof resolveConfig>) => [config.traces.url, config.logs.url, config.metrics.otlp.url];

describe('a signal URL given as the base endpoint', () => {
  it('OTEL_EXPORTER_OTLP_ENDPOINT=…/v1/traces: every signal uses the base without it, with one warning that says so', () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://host:4318/v1/traces' });
    expect(urls(config)).toEqual(['http://host:4318/v1/traces', 'http://host:4318/v1/logs', 'http://host:4318/v1/metrics']);
    expect(config.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT is the base URL: the library appends /v1/traces, /v1/logs and /v1/metrics; its path /v1/traces ' +
        'ends in /v1/traces, so the library removes that and sends to http://host:4318/v1/traces, /v1/logs and /v1/metrics. ' +
        'Remove /v1/traces from OTEL_EXPORTER_OTLP_ENDPOINT, or give the traces URL alone with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    ]);
  });

  it.each([
    ['http://host:4318/v1/logs', 'http://host:4318/v1/traces'],
    ['http://host:4318/v1/metrics/', 'http://host:4318/v1/traces'],
    ['https://gw.example.com/otlp/v1/traces/', 'https://gw.example.com/otlp/v1/traces'],
    ['https://gw.example.com/otlp/v1/logs', 'https://gw.example.com/otlp/v1/traces'],
  ])('%s: the suffix is removed (traces → %s)', (endpoint, traces) => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(config.traces.url).toBe(traces);
    expect(config.logs.url).toBe(traces.replace(/traces$/, 'logs'));
    expect(config.warnings).toHaveLength(1);
    const { pathname } = new URL(endpoint);
    expect(config.warnings[0]).toContain(`its path ${pathname} ends in`);
    expect(config.warnings[0]).toContain(`Remove ${pathname.slice(pathname.indexOf('/v1/'))} from OTEL_EXPORTER_OTLP_ENDPOINT`);
  });

  it.each([
    'http://host:4318',
    'http://host:4318/v1',
    'http://host:4318/v1/tracesx',
    'http://host:4318/v1/traces/extra',
    'http://host:4318/V1/TRACES',
  ])('%s is not a signal path: /v1/<signal> appended as given, no warning', (endpoint) => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(config.traces.url).toBe(`${endpoint}/v1/traces`);
    expect(config.warnings).toEqual([]);
  });

  it('the option endpoint: the same, and the warning names the options', () => {
    const config = resolveConfig({ endpoint: 'https://collector.example.com/v1/metrics' }, {});
    expect(urls(config)).toEqual([
      'https://collector.example.com/v1/traces',
      'https://collector.example.com/v1/logs',
      'https://collector.example.com/v1/metrics',
    ]);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toMatch(/^option endpoint is the base URL: /);
    expect(config.warnings[0]).toContain(
      'sends to https://collector.example.com/v1/traces, /v1/logs and /v1/metrics. ' +
        'Remove /v1/metrics from option endpoint, or give the metrics URL alone with option metricsEndpoint',
    );
  });

  it('per-signal endpoints are used verbatim, even ending in a signal path', () => {
    const config = resolveConfig(
      {},
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/v1/traces', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://l:4318/v1/logs/v1/logs' },
    );
    expect(config.traces.url).toBe('http://t:4318/v1/traces');
    expect(config.logs.url).toBe('http://l:4318/v1/logs/v1/logs');
    expect(config.warnings).toEqual([]);
  });

  it('no warning when no signal uses the base (each has its own URL)', () => {
    const config = resolveConfig(
      { tracesEndpoint: 'http://t/v1/traces', logsEndpoint: 'http://l/v1/logs', metricsEndpoint: 'http://m/v1/metrics' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://host:4318/v1/traces' },
    );
    expect(urls(config)).toEqual(['http://t/v1/traces', 'http://l/v1/logs', 'http://m/v1/metrics']);
    expect(config.warnings).toEqual([]);
  });

  it('the warning never prints the user info: the URL keeps it, the message does not', () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:s3cret@host:4318/v1/traces' });
    expect(config.traces.url).toBe('https://user:s3cret@host:4318/v1/traces');
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).not.toMatch(/user|s3cret/);
    expect(config.warnings[0]).toContain('sends to https://host:4318/v1/traces,');
  });
});
