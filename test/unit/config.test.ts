import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/core/config/defaults.ts';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';

describe('resolveConfig', () => {
  it('serverless defaults with an empty environment', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      disabled: false,
      traces: { url: 'http://localhost:4318/v1/traces', headers: {}, timeoutMs: 950 },
      logs: { url: 'http://localhost:4318/v1/logs', timeoutMs: 950 },
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      spanBatch: { maxQueueSize: Number.POSITIVE_INFINITY, maxExportBatchSize: 512, scheduledDelayMs: 1000 },
      maxBufferBytes: 16 * 1024 * 1024,
      propagators: ['tracecontext', 'baggage'],
      xray: false,
      flushBudgetMs: 1000,
      consoleFormat: 'text',
      captureConsole: true,
      logLevel: DiagLogLevel.INFO,
      maxLogBodyLength: DEFAULTS.maxLogBodyLength,
      loki: undefined,
      stdoutFallback: true,
      circuitBackoffMs: 5000,
    });
    expect(config.warnings).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('the base endpoint gets /v1/<signal> appended; per-signal endpoints are used verbatim', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/custom/path',
      },
    );
    expect(config.traces.url).toBe('https://collector:4318/v1/traces');
    expect(config.logs.url).toBe('https://logs.example/custom/path');
  });

  it('options > OTEL_* env > defaults', () => {
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
      OTEL_EXPORTER_OTLP_TIMEOUT: '700',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=env,authorization=Basic%20ZW52',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-signal=traces',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=env',
      FAAS_OBSERVABILITY_CONSOLE_FORMAT: 'json',
    };
    expect(resolveConfig({}, env)).toMatchObject({
      serviceName: 'from-env',
      consoleFormat: 'json',
      traces: {
        url: 'http://env:4318/v1/traces',
        timeoutMs: 700,
        headers: { 'x-team': 'env', authorization: 'Basic ZW52', 'x-signal': 'traces' },
      },
      logs: { headers: { 'x-team': 'env', authorization: 'Basic ZW52' } },
      resourceAttributes: { 'deployment.environment.name': 'prod', team: 'env' },
    });
    const config = resolveConfig(
      {
        serviceName: 'from-options',
        endpoint: 'http://opt:4318',
        exportTimeoutMs: 300,
        headers: { 'x-team': 'opt' },
        resourceAttributes: { team: 'opt' },
        consoleFormat: 'off',
      },
      env,
    );
    expect(config).toMatchObject({
      serviceName: 'from-options',
      consoleFormat: 'off',
      traces: { url: 'http://opt:4318/v1/traces', timeoutMs: 300, headers: { 'x-team': 'opt', authorization: 'Basic ZW52' } },
      resourceAttributes: { 'deployment.environment.name': 'prod', team: 'opt' },
    });
  });

  it.each([
    ['OTEL_BSP_MAX_QUEUE_SIZE', '-5', 'OTEL_BSP_MAX_QUEUE_SIZE="-5" is below the minimum 1; using no limit'],
    ['OTEL_BLRP_SCHEDULE_DELAY', 'soon', 'OTEL_BLRP_SCHEDULE_DELAY="soon" is not a number; using the default 1000'],
    [
      'OTEL_EXPORTER_OTLP_TIMEOUT',
      '0',
      'OTEL_EXPORTER_OTLP_TIMEOUT="0" is below the minimum 1; ignoring it (the timeout is a share of the flush budget)',
    ],
    [
      'OTEL_TRACES_SAMPLER',
      'sometimes',
      'OTEL_TRACES_SAMPLER="sometimes" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio; using the default parentbased_always_on',
    ],
    ['OTEL_TRACES_SAMPLER_ARG', '2', 'OTEL_TRACES_SAMPLER_ARG="2" is above the maximum 1; using the default 1'],
    ['OTEL_SDK_DISABLED', 'maybe', 'OTEL_SDK_DISABLED="maybe" is not a boolean (true/false/1/0/yes/no/on/off); using the default false'],
    ['OTEL_LOG_LEVEL', 'loud', 'OTEL_LOG_LEVEL="loud" is not one of none, error, warn, info, debug, verbose, all; using the default info'],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'ftp://user:pw@host',
      'OTEL_EXPORTER_OTLP_ENDPOINT="ftp://REDACTED:REDACTED@host" is not an http(s) URL; ignoring it (the default is http://localhost:4318)',
    ],
    [
      'OTEL_PROPAGATORS',
      'tracecontext,b3',
      'OTEL_PROPAGATORS entry "b3" is not supported (tracecontext, baggage, xray, none); skipping it',
    ],
  ])('a bad %s=%s gets one clear message and the default', (key, value, message) => {
    expect(resolveConfig({}, { [key]: value }).warnings).toEqual([message]);
  });

  it('bad option values are reported and ignored', () => {
    const config = resolveConfig({ flushBudgetMs: -1, consoleFormat: 'yaml' as never, endpoint: 'not a url' }, {});
    expect(config.flushBudgetMs).toBe(1000);
    expect(config.consoleFormat).toBe('text');
    expect(config.warnings).toEqual([
      'option endpoint="not a url" is not an http(s) URL; ignoring it',
      'option flushBudgetMs=-1 is below the minimum 1; ignoring it',
      'option consoleFormat="yaml" is not one of text, json, lambda-json, off; ignoring it',
    ]);
  });

  it('the Loki fallback from options or FAAS_OBSERVABILITY_LOKI_*, timed to fit the flush budget with the OTLP timeout', () => {
    expect(
      resolveConfig(
        {},
        {
          FAAS_OBSERVABILITY_LOKI_URL: 'https://logs.example.com',
          FAAS_OBSERVABILITY_LOKI_TENANT: 'team-a',
          FAAS_OBSERVABILITY_LOKI_USERNAME: 'u',
          FAAS_OBSERVABILITY_LOKI_PASSWORD: 'p',
          FAAS_OBSERVABILITY_LOKI_FORMAT: 'protobuf',
        },
      ).loki,
    ).toEqual({
      url: 'https://logs.example.com',
      tenant: 'team-a',
      username: 'u',
      password: 'p',
      bearerToken: undefined,
      format: 'protobuf',
      timeoutMs: 475,
    });
    expect(
      resolveConfig({ loki: { url: 'http://loki:3100', bearerToken: 't' }, flushBudgetMs: 2000, exportTimeoutMs: 600 }, {}).loki,
    ).toEqual({ url: 'http://loki:3100', bearerToken: 't', format: 'json', timeoutMs: 1350 });
    expect(resolveConfig({}, { FAAS_OBSERVABILITY_LOKI_URL: 'loki:3100' }).warnings).toEqual([
      'FAAS_OBSERVABILITY_LOKI_URL="loki:3100" is not an http(s) URL; ignoring it (the default is http://localhost:4318)',
    ]);
  });

  it('OTEL_SDK_DISABLED, samplers, propagators, X-Ray opt-in and batch sizes', () => {
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'TRUE' }).disabled).toBe(true);
    expect(resolveConfig({}, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).sampler).toEqual({
      name: 'traceidratio',
      ratio: 0.25,
    });
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'tracecontext,xray' })).toMatchObject({
      propagators: ['tracecontext', 'xray'],
      xray: true,
    });
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'none' }).propagators).toEqual([]);
    expect(resolveConfig({ xray: false }, { OTEL_PROPAGATORS: 'xray' }).xray).toBe(false);
    const batch = resolveConfig({}, { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500' });
    expect(batch.spanBatch).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
    expect(batch.warnings).toEqual(['OTEL_BSP_MAX_EXPORT_BATCH_SIZE=500 is above OTEL_BSP_MAX_QUEUE_SIZE=100; using 100']);
  });
});
