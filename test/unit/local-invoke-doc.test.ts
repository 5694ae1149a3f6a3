import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/local-invoke.md against what `faas-observability invoke` does (src/cli/).

const doc = readFileSync(new URL('../../docs/local-invoke.md', import.meta.url), 'utf8');

describe('docs/local-invoke.md', () => {
  it('points to where the repository documents `npm run invoke`: CONTRIBUTING.md, not the README', () => {
    expect(doc).not.toMatch(/README's "Run a function locally"/);
    expect(doc).toContain('(../CONTRIBUTING.md#run-a-function-locally-the-way-lambda-runs-it)');
  });
});
