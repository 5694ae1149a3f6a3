import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emitDeclarations, publicSubpaths, renderReport, reportNameOf } from '../../tools/api-report.ts';

// One declaration emit of src/ for every test (it takes seconds on a loaded machine).
let reports: Map<string, string>;
beforeAll(() => {
  const files = emitDeclarations();
  reports = new Map(publicSubpaths().map(([subpath, entry]) => [reportNameOf(subpath), renderReport(subpath, entry, files)]));
}, 120_000);

const INTERNALS = [
  'resolveConfig',
  'DEFAULTS',
  'CONFIG_REFERENCE',
  'ExportQueue',
  'MemoryBudget',
  'CircuitBreaker',
  'uids',
  'ResolvedConfig',
];

describe('the public API report (npm run check:api, in npm run lint)', () => {
  it('covers every public subpath of package.json', () => {
    expect([...reports.keys()].sort()).toEqual([
      'aws.d.ts',
      'edge.d.ts',
      'exporters.d.ts',
      'index.d.ts',
      'lambda-preload.d.ts',
      'lambda.d.ts',
      'loki.d.ts',
    ]);
  });

  it('is what api/ holds: a change of the public surface comes with its report', () => {
    for (const [name, text] of reports) expect(readFileSync(new URL(`../../api/${name}`, import.meta.url), 'utf8'), name).toBe(text);
  });

  it('the root entry exports types only: no handler wrapper, nothing that runs', () => {
    const root = reports.get('index.d.ts')!;
    // Its own exports, before what they reach (the `lokiFallback` option's type reaches the Loki exporter class).
    expect(root.split('// ---- Reached')[0]).not.toMatch(/\bfunction\b|\bconst\b|\bclass\b/);
    expect(root).toMatch(/^\/\/ Exported: ConsoleFormat, LokiFormat, LokiOptions, ObservabilityOptions, OtlpCompression, UrlPattern$/m);
  });

  it.each(INTERNALS)('no subpath shows the internal %s', (internal) => {
    for (const [name, text] of reports) expect(text, name).not.toMatch(new RegExp(`\\b${internal}\\b`));
  });
});
