import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CONSOLE_CALLS } from '../fixtures/hostile/console-args.ts';
import { HOSTILE_THROWS } from '../fixtures/hostile/thrown.ts';
import { HOSTILE_TRACE_HEADERS, HOSTILE_TRACE_ID } from '../fixtures/hostile/trace-headers.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';
import { startBundledWorker } from './bundled-worker.ts';
import { waitFor } from './edge-assertions.ts';

// The suite's hostile inputs (test/fixtures/hostile) through a Worker in real workerd: the response is the
// handler's own, every request has its span, every record is under its request's trace, and a malformed
// trace header starts a new trace.

let receiver: OtlpReceiver;
let mf: Miniflare;
const BODY_LIMIT = 16 * 1024;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  mf = await startBundledWorker('hostile-worker.ts', {
    OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
    FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000',
  });
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
});

/** The span of the request whose marker is `marker`, once its records and span have arrived. */
async function spanOf(marker: string): Promise<ReceivedSpan> {
  let span: ReceivedSpan | undefined;
  await waitFor(() => {
    const log = receiver.logs.find((l) => l.body === marker);
    span = log && receiver.spans.find((s) => s.spanId === log.spanId);
    return span !== undefined;
  });
  const logs = receiver.logs.filter((l) => l.spanId === span!.spanId);
  expect(logs.every((l) => l.traceId === span!.traceId)).toBe(true);
  return span!;
}

/**
 * Header values the Fetch API carries as they are: it refuses a newline or a NUL before any Worker sees it,
 * and trims surrounding whitespace (the header that arrives is then a valid one).
 */
function sendable(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return new Headers({ traceparent: value }).get('traceparent') === value;
  } catch {
    return false;
  }
}

describe('hostile inputs in a Worker (real workerd)', () => {
  const headers = HOSTILE_TRACE_HEADERS.map((c, n) => ({ ...c, n })).filter((c) => sendable(c.value));
  it.each(headers)('malformed traceparent, $name: a new trace', async ({ value, n }) => {
    const response = await mf.dispatchFetch(`http://worker.test/?kind=header&n=${n}`, { headers: { traceparent: value as string } });
    expect(await response.text()).toBe(`ok header ${n}`);
    const span = await spanOf(`hostile header ${n}`);
    expect(span.parentSpanId).toBe('');
    expect(span.traceId).not.toBe(HOSTILE_TRACE_ID);
  });

  it.each(HOSTILE_CONSOLE_CALLS.map((c, n) => ({ ...c, n })))('console arguments, $name', async ({ n }) => {
    const response = await mf.dispatchFetch(`http://worker.test/?kind=console&n=${n}`);
    expect(await response.text()).toBe(`ok console ${n}`);
    const span = await spanOf(`hostile console ${n}`);
    await waitFor(() => receiver.logs.filter((l) => l.spanId === span.spanId).length === 2);
    const logged = receiver.logs.find((l) => l.spanId === span.spanId && l.body !== `hostile console ${n}`)!;
    expect(String(logged.body).length).toBeLessThanOrEqual(BODY_LIMIT + 100);
  });

  it.each(HOSTILE_THROWS.map((c, n) => ({ ...c, n })))('the handler throws $name: a 500, and the span says ERROR', async ({ n }) => {
    const response = await mf.dispatchFetch(`http://worker.test/?kind=throw&n=${n}`);
    expect(response.status).toBe(500);
    await response.arrayBuffer();
    const span = await spanOf(`hostile throw ${n}`);
    expect(span.status.code).toBe(2);
  });

  it('a client-sent cf-ray past any real length never becomes faas.invocation_id', async () => {
    const response = await mf.dispatchFetch('http://worker.test/?kind=ray&n=0', { headers: { 'cf-ray': 'f'.repeat(20_000) } });
    expect(await response.text()).toBe('ok ray 0');
    const span = await spanOf('hostile ray 0');
    expect(span.attributes['faas.invocation_id']).toBeUndefined();
  });

  it("a plausible cf-ray (Cloudflare's own request id on Workers) is faas.invocation_id", async () => {
    const response = await mf.dispatchFetch('http://worker.test/?kind=ray&n=1', { headers: { 'cf-ray': '8f1b2c3d4e5f6a7b-FRA' } });
    expect(await response.text()).toBe('ok ray 1');
    const span = await spanOf('hostile ray 1');
    expect(span.attributes['faas.invocation_id']).toBe('8f1b2c3d4e5f6a7b-FRA');
  });
});
