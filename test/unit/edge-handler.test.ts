import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withObservability } from '../../src/edge.ts';
import { trackWaitUntil } from '../../src/edge/wait-until.ts';

// One isolate per test file (forked worker): the setup is created on the first call, as in a real isolate.
const spans = new InMemorySpanExporter();
const logs = new InMemoryLogRecordExporter();
const lines: unknown[][] = [];
console.log = (...args: unknown[]) => {
  lines.push(args);
};
const seenEnv: unknown[] = [];

function fakeContext() {
  const promises: Promise<unknown>[] = [];
  return {
    promises,
    ctx: {
      waitUntil: (promise: Promise<unknown>) => {
        promises.push(promise);
      },
    },
  };
}
async function settle(promises: Promise<unknown>[]) {
  for (let n = 0; n !== promises.length;) {
    n = promises.length;
    await Promise.allSettled([...promises]);
  }
}

const user = {
  marker: 'kept',
  async fetch(this: { marker: string }, request: Request, _env: unknown, ctx: { waitUntil(p: Promise<unknown>): void }) {
    console.log('fetch', this.marker);
    ctx.waitUntil(Promise.resolve().then(() => console.log('after the response')));
    return new Response('ok', { status: new URL(request.url).pathname === '/down' ? 502 : 200 });
  },
  async queue(batch: { queue: string; messages: unknown[] }) {
    console.log('batch of', batch.messages.length);
  },
  async scheduled(controller: { cron: string; scheduledTime: number }) {
    console.log('tick', controller.cron);
  },
};
const worker = withObservability(user, (env) => {
  seenEnv.push(env);
  return { spanExporter: spans, logExporter: logs, serviceName: 'unit-worker' };
});

describe('edge withObservability', () => {
  it("returns a new object, keeps other members and the handler's this, and leaves the user object alone", async () => {
    expect(worker).not.toBe(user);
    expect((worker as typeof user).marker).toBe('kept');
    expect(user.fetch).not.toBe(worker.fetch);
    const { ctx, promises } = fakeContext();
    const response = await worker.fetch(new Request('https://w.test/items'), { SECRET: 'x', OTEL_SERVICE_NAME: 'ignored-by-option' }, ctx);
    expect(await response.text()).toBe('ok');
    // The flush waits in waitUntil, after the user's own waitUntil work.
    expect(promises).toHaveLength(2);
    await settle(promises);
    expect(seenEnv).toEqual([{ SECRET: 'x', OTEL_SERVICE_NAME: 'ignored-by-option' }]);
    expect(logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['fetch kept', 'after the response']);
    const [span] = spans.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'GET',
      kind: SpanKind.SERVER,
      attributes: { 'faas.trigger': 'http', 'faas.coldstart': true, 'url.path': '/items' },
    });
    expect(span!.resource.attributes['service.name']).toBe('unit-worker');
  });

  it('5xx answers set ERROR; queue batches and cron triggers get their own spans', async () => {
    const { ctx, promises } = fakeContext();
    await worker.fetch(new Request('https://w.test/down'), {}, ctx);
    const events = worker as unknown as Record<'queue' | 'scheduled', (event: unknown, env: unknown, ctx: unknown) => Promise<unknown>>;
    await events.queue({ queue: 'orders', messages: [{}, {}] }, {}, ctx);
    await events.scheduled({ cron: '0 * * * *', scheduledTime: Date.parse('2026-11-24T14:00:00Z') }, {}, ctx);
    await settle(promises);
    const byTrigger = Object.fromEntries(
      spans
        .getFinishedSpans()
        .slice(1)
        .map((s) => [s.attributes['faas.trigger'] === 'http' ? 'http' : s.attributes['faas.trigger'], s]),
    );
    expect(byTrigger.http!.status.code).toBe(2);
    expect(byTrigger.pubsub).toMatchObject({
      name: 'process orders',
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.batch.message_count': 2, 'faas.coldstart': false },
    });
    expect(byTrigger.timer).toMatchObject({
      name: 'cron 0 * * * *',
      attributes: { 'faas.cron': '0 * * * *', 'faas.time': '2026-11-24T14:00:00.000Z' },
    });
  });

  it('a plain fetch handler without waitUntil (in Node, a server that keeps running) answers without waiting for the flush', async () => {
    const handler = withObservability(async (request: Request) => {
      console.log('plain', new URL(request.url).pathname);
      return new Response('plain');
    });
    const response = await handler(new Request('https://w.test/plain'));
    expect(await response.text()).toBe('plain');
  });

  it('rejects what is not a handler', () => {
    expect(() => withObservability(42 as never)).toThrow(
      'withObservability expects a fetch handler or a Workers handler object, got number',
    );
  });
});

describe('trackWaitUntil', () => {
  it('runs the work after every user promise, nested ones included, and forwards them to the runtime', async () => {
    const { ctx, promises } = fakeContext();
    const order: string[] = [];
    const tracker = trackWaitUntil(ctx);
    tracker.context.waitUntil(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          order.push('outer');
          tracker.context.waitUntil(
            new Promise<void>((done) =>
              setTimeout(() => {
                order.push('nested');
                done();
              }, 10),
            ),
          );
          resolve();
        }, 10),
      ),
    );
    tracker.after(async () => {
      order.push('flush');
    });
    await settle(promises);
    expect(order).toEqual(['outer', 'nested', 'flush']);
    expect(promises).toHaveLength(3);
  });
});
