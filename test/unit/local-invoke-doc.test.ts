import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/local-invoke.md against what `faas-observability invoke` does (src/cli/).

const doc = readFileSync(new URL('../../docs/local-invoke.md', import.meta.url), 'utf8');

describe('docs/local-invoke.md', () => {
  it('points to where the repository documents `npm run invoke`: CONTRIBUTING.md, not the README', () => {
    expect(doc).not.toMatch(/README's "Run a function locally"/);
    expect(doc).toContain('(../CONTRIBUTING.md#run-a-function-locally-the-way-lambda-runs-it)');
  });

  it('names the OTLP endpoint variables the command drops, and says the report shows what a collector did not take', () => {
    for (const signal of ['', 'TRACES_', 'LOGS_', 'METRICS_']) expect(doc).toContain(`\`OTEL_EXPORTER_OTLP_${signal}ENDPOINT\``);
    expect(doc).toMatch(/what the function exported shows even when the collector did\s+not take it/);
  });

  it('names the init errors and the init deadline as the emulator reports them', () => {
    for (const type of ['Runtime.ExitError', 'Runtime.InvalidEntrypoint', 'Sandbox.Timedout', 'Runtime.UserCodeSyntaxError'])
      expect(doc).toContain(`\`${type}\``);
    expect(doc).toMatch(/Lambda's 10 s init phase plus\s+`--timeout`/);
  });
});
