import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';

describe('export headers HTTP does not allow are dropped at setup, with one warning each', () => {
  it('a value past 0xFF from OTEL_EXPORTER_OTLP_HEADERS (x-api-key=caf%E2%82%AC): dropped from both signals, named once, its value never printed', () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=caf%E2%82%AC,x-team=ok' });
    expect(config.traces.headers).toEqual({ 'x-team': 'ok' });
    expect(config.logs.headers).toEqual({ 'x-team': 'ok' });
    expect(config.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: header "x-api-key" has a value HTTP does not allow (RFC 9110 §5.5); dropping that header',
    ]);
    expect(config.warnings.join('\n')).not.toContain('caf');
  });

  it('control characters (CR, LF, NUL) in a value, a name that is not a token, per signal and from the options', () => {
    const config = resolveConfig(
      { headers: { 'x-from-option': 'a\r\nx-injected: 1', 'x-fine': 'tab\tand space ok' } },
      { OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'bad%20name=v,x-nul=a%00b', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-traces=Basic%20ZW52' },
    );
    expect(config.logs.headers).toEqual({ 'x-fine': 'tab\tand space ok' });
    expect(config.traces.headers).toEqual({ 'x-traces': 'Basic ZW52', 'x-fine': 'tab\tand space ok' });
    expect(config.warnings).toEqual([
      'option headers: header "x-from-option" has a value HTTP does not allow (RFC 9110 §5.5); dropping that header',
      'OTEL_EXPORTER_OTLP_LOGS_HEADERS: header name "bad name" is not an HTTP token (RFC 9110 §5.6.2); dropping that header',
      'OTEL_EXPORTER_OTLP_LOGS_HEADERS: header "x-nul" has a value HTTP does not allow (RFC 9110 §5.5); dropping that header',
    ]);
  });

  it('Latin-1 (obs-text) values and every token character pass, as both http.request and fetch take them', () => {
    const config = resolveConfig({ headers: { "!#$%&'*+-.^_`|~09azAZ": 'caf\u00e9 \u00ff' } }, {});
    expect(config.traces.headers).toEqual({ "!#$%&'*+-.^_`|~09azAZ": 'caf\u00e9 \u00ff' });
    expect(config.warnings).toEqual([]);
  });
});

describe("the Worker's Authorization header (docs/edge.md and the quick start)", () => {
  it('is sent as given: the option carries its scheme, and an OTEL_EXPORTER_OTLP_HEADERS binding gives the same', async () => {
    const { edgeEnv } = await import('../../src/edge/detect-runtime.ts');
    const binding = { OTLP_TOKEN: 't0k3n', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20t0k3n' };
    const fromOption = resolveConfig({ headers: { authorization: `Bearer ${binding.OTLP_TOKEN}` } }, {});
    const fromBinding = resolveConfig({}, edgeEnv(binding));
    expect(fromOption.traces.headers).toEqual({ authorization: 'Bearer t0k3n' });
    expect(fromBinding.traces.headers).toEqual({ authorization: 'Bearer t0k3n' });
    expect(fromBinding.logs.headers).toEqual({ authorization: 'Bearer t0k3n' });
    // No scheme is added: a bare token goes out bare, which a Bearer-checking collector refuses.
    expect(resolveConfig({ headers: { authorization: binding.OTLP_TOKEN } }, {}).traces.headers).toEqual({ authorization: 't0k3n' });
  });
});
