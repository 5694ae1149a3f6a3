import { describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';

describe('the edge entry point', () => {
  it('bundles for the worker/browser conditions with no Lambda code, no AWS-only code (src/aws/) and no Node built-in but node:async_hooks', async () => {
    const { inputs, code } = await buildEdgeBundle('test/edge/fixtures/worker.ts', '.cache/edge/check-worker.mjs');
    expect(inputs.filter((path) => /lambda|node-http-transport|context-async-hooks|^src\/aws\//.test(path))).toEqual([]);
    expect(inputs).toContain('src/edge/edge-observability.ts');
    expect([...code.matchAll(/["'](node:[\w/]+)["']/g)].map((m) => m[1])).toEqual(['node:async_hooks']);
  });
});
