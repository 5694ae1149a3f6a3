import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';

let receiver: OtlpReceiver;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const { code } = await buildEdgeBundle('test/edge/fixtures/tail-worker.ts', '.cache/edge/tail-worker.mjs');
  mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: { OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'always_off', FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000' },
  });
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
});

describe('tail sampling in a Worker in real workerd (miniflare)', () => {
  it('concurrent requests are each decided on their own: failures kept whole, the rest dropped whole', async () => {
    const plan = Array.from({ length: 40 }, (_, i) => ({ tag: `r${i}`, kind: i % 10 === 3 ? 'throw' : i % 10 === 7 ? 'fail' : 'ok' }));
    const responses = await Promise.all(plan.map(({ tag, kind }) => mf.dispatchFetch(`http://worker.test/?tag=${tag}&kind=${kind}`)));
    await Promise.all(responses.map((response) => response.text()));
    const failed = plan.filter((p) => p.kind !== 'ok');
    const dropped = () =>
      receiver.metrics
        .filter((m) => m.name === 'faas.sampling.dropped')
        .flatMap((m) => m.points)
        .reduce((sum, p) => sum + Number(p.value ?? 0), 0);
    await waitFor(() => receiver.spans.length >= failed.length && dropped() === plan.length - failed.length);
    // Give late background lines a moment to arrive, were any of a dropped request exported.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.spans.map((s) => String(s.attributes['url.query'])).sort()).toEqual(
      failed.map((p) => `tag=${p.tag}&kind=${p.kind}`).sort(),
    );
    const bodies = receiver.logs.map((l) => String(l.body));
    for (const { tag } of failed)
      expect(bodies.filter((b) => b.endsWith(` ${tag}`)).sort()).toEqual([`debug ${tag}`, `info ${tag}`, `later ${tag}`]);
    expect(bodies).toHaveLength(failed.length * 3);
    // Every exported record is in a trace whose span was exported.
    const traces = new Set(receiver.spans.map((s) => s.traceId));
    expect(receiver.logs.every((l) => traces.has(l.traceId))).toBe(true);
  });
});
