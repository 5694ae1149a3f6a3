import { afterEach, describe, expect, it } from 'vitest';
import { withObservability } from '../../src/edge.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let receiver: OtlpReceiver | undefined;
afterEach(() => receiver?.close());

describe('edge options given as a function that throws', () => {
  it('the handler still answers; telemetry falls back to the environment and defaults', async () => {
    console.log = () => {};
    receiver = await startOtlpReceiver();
    const worker = withObservability({ fetch: async (_request: Request, _env: unknown, _ctx: unknown) => new Response('still up') }, () => {
      throw new Error('bad binding');
    });
    const pending: Promise<unknown>[] = [];
    const response = await worker.fetch(
      new Request('https://w.test/'),
      // The endpoint comes from the environment (the Worker's bindings), as the options could not say.
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      { waitUntil: (p: Promise<unknown>) => pending.push(p) },
    );
    expect(await response.text()).toBe('still up');
    expect(pending).toHaveLength(1);
    await Promise.allSettled(pending);
    expect(receiver.spans.map((s) => s.resource['service.name'])).toEqual(['unknown_service:edge']);
  });
});
