import { describe, expect, it } from 'vitest';
import { withObservability } from '../../src/edge.ts';

describe('edge options given as a function that throws', () => {
  it('the handler still answers; telemetry falls back to the environment and defaults', async () => {
    console.log = () => {};
    const worker = withObservability({ fetch: async (_request: Request, _env: unknown, _ctx: unknown) => new Response('still up') }, () => {
      throw new Error('bad binding');
    });
    const pending: Promise<unknown>[] = [];
    const response = await worker.fetch(new Request('https://w.test/'), {}, { waitUntil: (p: Promise<unknown>) => pending.push(p) });
    expect(await response.text()).toBe('still up');
    expect(pending).toHaveLength(1);
  });
});
