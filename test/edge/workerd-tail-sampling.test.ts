import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricTotal } from '../helpers/metric-total.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { startBundledWorker } from './bundled-worker.ts';
import { waitFor } from './edge-assertions.ts';

let receiver: OtlpReceiver;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  mf = await startBundledWorker('tail-worker.ts', {
    OTLP_ENDPOINT: receiver.url,
    OTEL_TRACES_SAMPLER: 'always_off',
    FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000',
  });
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
});

describe('tail sampling in a Worker in real workerd (miniflare)', () => {
  it('concurrent requests are each decided on their own: failures kept whole, asked-for ones without debug lines, the rest dropped whole', async () => {
    // Each request waits between its first and its second line (1–20 ms, in no order), so they overlap.
    const plan = Array.from({ length: 40 }, (_, i) => ({
      tag: `r${i}`,
      kind: i % 10 === 3 ? 'throw' : i % 10 === 7 ? 'fail' : i % 10 === 5 ? 'keep' : 'ok',
      delay: 1 + ((i * 7) % 20),
    }));
    const responses = await Promise.all(
      plan.map(({ tag, kind, delay }) => mf.dispatchFetch(`http://worker.test/?tag=${tag}&kind=${kind}&delay=${delay}`)),
    );
    await Promise.all(responses.map((response) => response.text()));
    expect(Math.max(...responses.map((r) => Number(r.headers.get('x-most-in-flight') ?? 0)))).toBeGreaterThan(1);
    const kept = plan.filter((p) => p.kind !== 'ok');
    const total = (name: string) => metricTotal(receiver.metrics, name);
    const dropped = () => total('faas.sampling.dropped');
    await waitFor(() => receiver.spans.length >= kept.length && dropped() === plan.length - kept.length);
    // The metrics count every request, kept or dropped.
    await waitFor(() => total('faas.invocations') + total('faas.errors') === plan.length);
    // Give late background lines a moment to arrive, were any of a dropped request exported.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.spans.map((s) => String(s.attributes['url.query'])).sort()).toEqual(
      kept.map((p) => `tag=${p.tag}&kind=${p.kind}&delay=${p.delay}`).sort(),
    );
    const bodies = receiver.logs.map((l) => String(l.body));
    // Failed: every line, the debug one included; kept by keepInvocation(): from the export level up.
    for (const { tag, kind } of kept)
      expect(bodies.filter((b) => b.endsWith(` ${tag}`)).sort(), tag).toEqual(
        kind === 'keep' ? [`info ${tag}`, `later ${tag}`] : [`debug ${tag}`, `info ${tag}`, `later ${tag}`],
      );
    expect(bodies).toHaveLength(kept.reduce((n, p) => n + (p.kind === 'keep' ? 2 : 3), 0));
    // Every exported record is in its own request's trace, whose span was exported.
    for (const { tag } of kept) {
      const span = receiver.spans.find((s) => String(s.attributes['url.query']).startsWith(`tag=${tag}&`))!;
      expect(new Set(receiver.logs.filter((l) => String(l.body).endsWith(` ${tag}`)).map((l) => l.traceId)), tag).toEqual(
        new Set([span.traceId]),
      );
    }
  });
});
