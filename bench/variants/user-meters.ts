// The 10 user instruments of the metrics bench, the same for ours and the official SDK: 4 counters, 3
// histograms, 2 up-down counters and 1 gauge, 21 measurements per invocation on 1 to 3 attribute values each.
import type { Meter } from '@opentelemetry/api';

const CHANNELS = [{ channel: 'web' }, { channel: 'app' }];
const METHODS = [{ method: 'card' }, { method: 'paypal' }, { method: 'invoice' }];
const OPERATIONS = [{ 'db.operation': 'select' }, { 'db.operation': 'insert' }, { 'db.operation': 'update' }];
const POOLS = [{ pool: 'primary' }, { pool: 'replica' }];
const QUEUE = { queue: 'orders' };
const CACHE = { cache: 'sessions' };
const WORKER = { worker: 'main' };

/** Creates the 10 instruments on `meter`; the function it returns records one invocation's measurements. */
export function userMeters(meter: Meter): (i: number) => void {
  const received = meter.createCounter('orders.received', { unit: '{order}' });
  const items = meter.createCounter('orders.items', { unit: '{item}' });
  const attempts = meter.createCounter('payments.attempts', { unit: '{attempt}' });
  const hits = meter.createCounter('cache.hits', { unit: '{hit}' });
  const value = meter.createHistogram('orders.value', { unit: 'EUR' });
  const query = meter.createHistogram('db.query.duration', { unit: 's' });
  const payload = meter.createHistogram('payload.size', { unit: 'By' });
  const depth = meter.createUpDownCounter('queue.depth', { unit: '{message}' });
  const connections = meter.createUpDownCounter('pool.connections', { unit: '{connection}' });
  const heap = meter.createGauge('worker.heap', { unit: 'By' });
  return (i) => {
    for (const channel of CHANNELS) {
      received.add(1, channel);
      items.add(1 + (i % 4), channel);
      payload.record(512 + (i % 2048), channel);
    }
    attempts.add(1, METHODS[i % 3]);
    for (let n = 0; n < 3; n++) {
      hits.add(1, CACHE);
      query.record(0.001 + ((i + n) % 50) / 1000, OPERATIONS[n]);
    }
    value.record(10 + (i % 90), CHANNELS[i % 2]);
    value.record(25, CHANNELS[(i + 1) % 2]);
    depth.add(1, QUEUE);
    depth.add(-1, QUEUE);
    for (const pool of POOLS) connections.add(i % 2 ? 1 : -1, pool);
    heap.record(40_000_000 + i, WORKER);
  };
}
