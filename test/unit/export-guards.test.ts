import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { DeliveryReport } from '../../src/exporters/delivery-report.ts';
import { FailoverLogExporter } from '../../src/exporters/failover.ts';
import { printable } from '../../src/exporters/printable.ts';
import { CircuitBreaker } from '../../src/exporters/transport/circuit-breaker.ts';
import { sendWithRetries } from '../../src/exporters/transport/export-with-retries.ts';
import { startLoopDeadline } from '../../src/exporters/transport/loop-deadline.ts';
import type { Transport } from '../../src/exporters/transport/transport.ts';

function busyFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe('LoopDeadline: a limit counted in time the event loop was free', () => {
  it('a block longer than the limit costs it one step, not the block: it expires only after the loop has been free', async () => {
    let expiredAt: number | undefined;
    const deadline = startLoopDeadline(200, { onExpiry: () => (expiredAt = performance.now()) });
    busyFor(600);
    const freeFrom = performance.now();
    expect(deadline.remainingMs).toBeGreaterThan(100); // 600 ms of wall time went by; at most a step was counted
    await new Promise<void>((resolve) => {
      const poll = () => (expiredAt === undefined ? setTimeout(poll, 10) : resolve());
      poll();
    });
    expect(deadline.expired).toBe(true);
    expect(deadline.remainingMs).toBe(0);
    // After the block it still had most of its 200 ms to give (timers never fire early).
    expect(expiredAt! - freeFrom).toBeGreaterThanOrEqual(100);
  });

  it('without a block it expires after its limit, and not before', async () => {
    const started = performance.now();
    await new Promise<void>((resolve) => startLoopDeadline(120, { onExpiry: resolve }));
    // Node's timers count from the event loop's cached clock (libuv's uv_now), which can lag performance.now()
    // by a few ms at each of the deadline's steps: "not before" allows for that, and no more.
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('cancel() stops it: onExpiry is never called, nothing keeps running', async () => {
    let called = false;
    const deadline = startLoopDeadline(30, { onExpiry: () => (called = true) });
    deadline.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(called).toBe(false);
    expect(deadline.expired).toBe(false);
  });
});

describe('the retry budget counts the same free event-loop time', () => {
  it('an attempt that straddled a block (a busy handler, the freeze) and met a reset socket still gets its retry', async () => {
    let attempts = 0;
    const post: Transport = async () => {
      attempts++;
      if (attempts > 1) return { status: 'success', statusCode: 200 };
      busyFor(600); // 3x the whole budget in wall time, before the keep-alive socket turns out reset
      return { status: 'retryable', error: new Error('socket hang up') };
    };
    const result = await sendWithRetries(
      post,
      { url: 'http://127.0.0.1:1/v1/logs', body: '', headers: {}, retryableStatuses: new Set() },
      200,
    );
    expect(attempts).toBe(2);
    expect(result?.status).toBe('success');
  });

  it('a transport that throws (or rejects) gives a failure, never an exception', async () => {
    const post: Transport = () => {
      throw new TypeError('broken transport');
    };
    const result = await sendWithRetries(
      post,
      { url: 'http://127.0.0.1:1/v1/logs', body: '', headers: {}, retryableStatuses: new Set() },
      200,
    );
    expect(result).toMatchObject({ status: 'failure' });
    expect((result as { error: Error }).error.message).toBe('the transport threw sending to http://127.0.0.1:1');
  });
});

describe('printable: remote words made safe for a diagnostic line', () => {
  it('escapes line breaks, ANSI escapes, C1 controls, line separators and bidi overrides; bounds the length', () => {
    expect(printable('a\nb\r\x1b[2J\x85\u2028\u202e')).toBe('a\\x0ab\\x0d\\x1b[2J\\x85\\u2028\\u202e');
    expect(printable('x'.repeat(500), 20)).toBe(`${'x'.repeat(20)}…`);
    // Never half an escape at the cut.
    expect(printable(`${'x'.repeat(18)}\n`, 20)).toBe(`${'x'.repeat(18)}…`);
    expect(printable('plain text ✓')).toBe('plain text ✓');
  });
});

describe('the failover chain and an exporter that throws', () => {
  it('a primary that throws synchronously settles as FAILED (no outage), and the records go on to stdout', async () => {
    const breaker = new CircuitBreaker();
    const lines: string[] = [];
    const failover = new FailoverLogExporter({
      primary: {
        exporter: {
          export() {
            throw new TypeError('Invalid character in header content ["x-api-key"]');
          },
        },
        breaker,
      },
      lastResort: (line) => lines.push(line),
      report: new DeliveryReport(),
    });
    const result = await new Promise<ExportResult>((resolve) => failover.export([], resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS); // delivered by the last resort
    expect(breaker.state.open).toBe(false);
  });
});
