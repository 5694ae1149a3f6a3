import type { LogRecord } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { captureInitLogs, type InitLogCapture } from '../../src/console/init-log-capture.ts';

const saved = console.log;
let capture: InitLogCapture | undefined;
afterEach(() => {
  capture?.end();
  console.log = saved;
});

const recordingLogger = () => {
  const records: LogRecord[] = [];
  return { records, emit: (record: LogRecord) => records.push(record), enabled: () => true };
};

describe('init log capture', () => {
  it('only where a Lambda runtime is present and telemetry is on', () => {
    expect(captureInitLogs({})).toBeUndefined();
    expect(captureInitLogs({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(captureInitLogs({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', FAAS_OBSERVABILITY_CAPTURE_CONSOLE: 'false' })).toBeUndefined();
  });

  it('keeps init logs with their time, lets the lines through, and replays them into the real logger', async () => {
    const lines: unknown[][] = [];
    console.log = (...args: unknown[]) => {
      lines.push(args);
    };
    capture = captureInitLogs({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    const before = Date.now();
    console.log('connecting', { db: 'orders' });
    const after = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const handedOver = Date.now();
    const logger = recordingLogger();
    expect(capture!.handOver({ logger, format: 'text', maxBodyLength: 16384 })).toBe(0);
    console.log('after hand-over');
    expect(lines).toEqual([['connecting', { db: 'orders' }], ['after hand-over']]);
    expect(logger.records.map((r) => r.body)).toEqual(["connecting { db: 'orders' }", 'after hand-over']);
    expect(logger.records[0]!.attributes).toEqual({ db: 'orders' });
    const written = logger.records[0]!.timestamp as number;
    // The time of the console call, not of the hand-over (which a 20 ms timer puts strictly later).
    expect(written).toBeGreaterThanOrEqual(before);
    expect(written).toBeLessThanOrEqual(after);
    expect(handedOver).toBeGreaterThan(after);
  });

  it('prints init lines redacted with FAAS_OBSERVABILITY_REDACT_STDOUT=true, as written otherwise', () => {
    const lines: unknown[][] = [];
    console.log = (...args: unknown[]) => {
      lines.push(args);
    };
    capture = captureInitLogs({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', FAAS_OBSERVABILITY_REDACT_STDOUT: 'true' });
    console.log('connecting', { db: 'orders', password: 'hunter2' });
    capture!.end();
    capture = captureInitLogs({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    console.log('connecting', { db: 'orders', password: 'hunter2' });
    expect(lines.map((args) => args.map(String).join(' '))).toEqual([
      "connecting { db: 'orders', password: '[REDACTED]' }",
      'connecting [object Object]',
    ]);
    expect(lines[1]![1]).toEqual({ db: 'orders', password: 'hunter2' });
  });

  it('keeps at most 1000 records and counts the rest', () => {
    console.log = () => {};
    capture = captureInitLogs({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    for (let i = 0; i < 1200; i++) console.log('line', i);
    const logger = recordingLogger();
    expect(capture!.handOver({ logger, format: 'text', maxBodyLength: 16384 })).toBe(200);
    expect(logger.records).toHaveLength(1000);
    expect(logger.records.at(-1)!.body).toBe('line 999');
  });
});
