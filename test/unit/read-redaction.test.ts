import { describe, expect, it } from 'vitest';
import { readRedaction } from '../../src/core/config/read-redaction.ts';
import type { ObservabilityOptions } from '../../src/core/config/options.ts';
import { DEFAULT_SECRET_KEYS } from '../../src/core/redaction/secret-keys.ts';

function read(options: ObservabilityOptions, env: Record<string, string> = {}) {
  const warnings: string[] = [];
  return { config: readRedaction(options, env, (message) => warnings.push(message)), warnings };
}

describe('redaction settings', () => {
  it('are on by default: the default keys and patterns, [REDACTED], the printed line as written', () => {
    const { config, warnings } = read({});
    expect(config).toMatchObject({
      keys: DEFAULT_SECRET_KEYS,
      defaultPatterns: true,
      patterns: [],
      replacement: '[REDACTED]',
      stdout: false,
    });
    expect(warnings).toEqual([]);
  });

  it('read every variable; the options win over them', () => {
    const env = {
      FAAS_OBSERVABILITY_REDACT_KEYS: 'ssn, iban',
      FAAS_OBSERVABILITY_REDACT_DEFAULT_KEYS: 'false',
      FAAS_OBSERVABILITY_REDACT_PATTERNS: '["\\\\d{3}-\\\\d{2}-\\\\d{4}", "acct-[0-9]+"]',
      FAAS_OBSERVABILITY_REDACT_DEFAULT_PATTERNS: 'off',
      FAAS_OBSERVABILITY_REDACT_REPLACEMENT: '***',
      FAAS_OBSERVABILITY_REDACT_STDOUT: 'yes',
    };
    const { config } = read({}, env);
    expect(config).toMatchObject({ keys: ['ssn', 'iban'], defaultPatterns: false, replacement: '***', stdout: true });
    expect(config!.patterns.map(String)).toEqual(['/\\d{3}-\\d{2}-\\d{4}/g', '/acct-[0-9]+/g']);
    const given = read(
      { redact: { keys: ['pin'], defaultKeys: true, patterns: [/x-\d+/i], replacement: '#', stdout: false } },
      env,
    ).config!;
    expect(given.keys).toEqual([...DEFAULT_SECRET_KEYS, 'pin']);
    expect([given.patterns.map(String), given.replacement, given.stdout]).toEqual([['/x-\\d+/gi'], '#', false]);
    expect(read({}, { FAAS_OBSERVABILITY_REDACT_PATTERNS: 'tok_[a-z]+' }).config!.patterns.map(String)).toEqual(['/tok_[a-z]+/g']);
  });

  it('off with redact: false or FAAS_OBSERVABILITY_REDACT=false', () => {
    expect(read({ redact: false }).config).toBeUndefined();
    expect(read({}, { FAAS_OBSERVABILITY_REDACT: 'false' }).config).toBeUndefined();
    expect(read({ redact: {} }, { FAAS_OBSERVABILITY_REDACT: 'false' }).config).toBeUndefined();
  });

  it('report each bad value by name and go on with the rest', () => {
    const { config, warnings } = read(
      { redact: { keys: ['ok', 3 as never], replacement: '', decide: 'no' as never } },
      { FAAS_OBSERVABILITY_REDACT: 'maybe', FAAS_OBSERVABILITY_REDACT_PATTERNS: '["(", "fine"]' },
    );
    expect(config!.keys).toContain('ok');
    expect(config!.replacement).toBe('[REDACTED]');
    expect(warnings.join('\n')).toMatch(/FAAS_OBSERVABILITY_REDACT="maybe" is not a boolean/);
    expect(warnings.join('\n')).toMatch(/redact.keys holds 1 item/);
    expect(warnings.join('\n')).toMatch(/replacement must be a non-empty string/);
    expect(warnings.join('\n')).toMatch(/redact.decide is not a function/);
    expect(warnings.join('\n')).toMatch(/"\(" is not a regular expression/);
    expect(read({}, { FAAS_OBSERVABILITY_REDACT_PATTERNS: '[nope' }).warnings).toEqual([
      'FAAS_OBSERVABILITY_REDACT_PATTERNS starts with [ but is not a JSON array of strings; ignoring it',
    ]);
  });
});
