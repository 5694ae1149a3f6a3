import { SeverityNumber, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { installConsoleBridge } from '../../src/console/console-bridge.ts';
import { createLambdaObservability } from '../../src/lambda.ts';
import { derivedRecordUid } from '../../src/exporters/record-uid.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

let observability: TestObservability;
afterEach(() => observability.dispose());

async function run(body: () => void, options = {}) {
  observability = testObservability(options);
  let spanIds = { traceId: '', spanId: '' };
  await observability.wrap(async (_event: unknown, _context: unknown) => {
    spanIds = trace.getActiveSpan()!.spanContext();
    body();
  })({}, lambdaContext());
  return { ...spanIds, logs: observability.logs(), lines: observability.lines };
}

describe('console → log records', () => {
  it('maps each method to its severity and carries the active trace context', async () => {
    const { traceId, spanId, logs } = await run(() => {
      console.log('l');
      console.info('i');
      console.warn('w');
      console.error('e');
      console.debug('d');
      console.trace('t');
    });
    expect(logs.map((r) => [r.body, r.severityNumber, r.severityText])).toEqual([
      ['l', SeverityNumber.INFO, 'INFO'],
      ['i', SeverityNumber.INFO, 'INFO'],
      ['w', SeverityNumber.WARN, 'WARN'],
      ['e', SeverityNumber.ERROR, 'ERROR'],
      ['d', SeverityNumber.DEBUG, 'DEBUG'],
      ['t', SeverityNumber.TRACE, 'TRACE'],
    ]);
    for (const record of logs) {
      expect(record.spanContext).toMatchObject({ traceId, spanId, traceFlags: 1 });
    }
  });

  it('records in a span get their uid from the bridge with the setup clock, before emit; an API record in the same millisecond gets another', async () => {
    const sent: unknown[] = [];
    const { spanId, logs } = await run(() => {
      const emit = observability.telemetry!.logger.emit.bind(observability.telemetry!.logger);
      // Every record in one millisecond: only the shared clock keeps their timestamps, and so their uids, apart.
      const now = vi.spyOn(Date, 'now').mockReturnValue(1795570323764);
      (observability.telemetry!.logger as { emit: typeof emit }).emit = (record) => {
        sent.push(record.attributes?.['log.record.uid']);
        emit(record);
      };
      for (let i = 0; i < 3; i++) console.log('line', i);
      observability.telemetry!.logger.emit({ body: 'through the API' });
      console.log('last');
      now.mockRestore();
      // The uid travels with the attributes the SDK copies once (no processor sets it afterwards).
      expect(sent).toEqual([expect.any(String), expect.any(String), expect.any(String), undefined, expect.any(String)]);
    });
    const uids = logs.map((r) => r.attributes['log.record.uid']);
    expect(new Set(uids).size).toBe(5);
    expect(uids.filter((_, i) => i !== 3)).toEqual(sent.filter((uid) => uid !== undefined));
    expect(uids).toEqual(logs.map((r) => derivedRecordUid(r)));
    expect(uids.every((uid) => typeof uid === 'string' && uid.startsWith(`${spanId}-`))).toBe(true);
    const times = logs.map((r) => BigInt(r.hrTime[0]) * 1_000_000_000n + BigInt(r.hrTime[1]));
    expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('formats the body like util.format, takes attributes from plain objects and exception.* from errors', async () => {
    const error = new RangeError('out of stock');
    const { logs } = await run(() =>
      console.error('order %s failed', 'A-1', { orderId: 'A-1', qty: 2, tags: ['x'], nested: { a: 1 } }, error),
    );
    expect(logs[0]!.body).toBe(`order A-1 failed { orderId: 'A-1', qty: 2, tags: [ 'x' ], nested: { a: 1 } } ${error.stack}`);
    expect(logs[0]!.attributes).toMatchObject({
      orderId: 'A-1',
      qty: 2,
      tags: ['x'],
      nested: '{ a: 1 }',
      'exception.type': 'RangeError',
      'exception.message': 'out of stock',
      'exception.stacktrace': error.stack,
    });
  });

  it('console.dir and console.table log the inspected value and leave the line untouched', async () => {
    const { logs, lines } = await run(() => {
      console.dir({ a: 1 }, { depth: 0 });
      console.table([{ a: 1 }]);
    });
    expect(logs.map((r) => r.body)).toEqual(['{ a: 1 }', '[ { a: 1 } ]']);
    expect(lines).toEqual([
      { method: 'dir', args: [{ a: 1 }, { depth: 0 }] },
      { method: 'table', args: [[{ a: 1 }]] },
    ]);
  });

  it('bad inputs never crash the handler and never blow up the body', async () => {
    const circular: Record<string, unknown> = {};
    circular.me = circular;
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    const { logs, lines } = await run(
      () => {
        console.log(circular, 10n, Symbol('s'), proxy, Object.create(null), {
          get x() {
            throw new Error('getter');
          },
        });
        console.log('x'.repeat(10 * 1024 * 1024));
      },
      { maxLogBodyLength: 1024 },
    );
    expect(logs[0]!.body).toBe('{ me: [Circular] } 10n Symbol(s) [Uninspectable: trap] [Object: null prototype] {} { x: [Getter] }');
    expect(String(logs[1]!.body)).toMatch(/^x{1024}…\[truncated: log body over 1024 characters\]$/);
    // stdout still gets the whole original line, as a bare console would.
    expect((lines[1]!.args[0] as string).length).toBe(10 * 1024 * 1024);
  });
});

describe('the line on stdout', () => {
  it('text: appends the ids, and injects them into a JSON object line so it stays valid JSON', async () => {
    const error = new Error('boom');
    const { traceId, spanId, lines } = await run(() => {
      console.log('hello', 42);
      console.log('{"event":"paid","amount":3}');
      console.log('{}');
      console.log('{"trace_id":"mine"}');
      console.error('failed:', error);
    });
    expect(lines[0]!.args).toEqual([`hello 42 trace_id=${traceId} span_id=${spanId}`]);
    // Errors keep the console's own rendering: the ids come as one more argument.
    expect(lines[4]).toEqual({ method: 'error', args: ['failed:', error, `trace_id=${traceId} span_id=${spanId}`] });
    expect(JSON.parse(lines[1]!.args[0] as string)).toEqual({ trace_id: traceId, span_id: spanId, event: 'paid', amount: 3 });
    expect(JSON.parse(lines[2]!.args[0] as string)).toEqual({ trace_id: traceId, span_id: spanId });
    expect(lines[3]!.args).toEqual(['{"trace_id":"mine"}']);
  });

  it('json: one JSON object per call with level, message, ids and attributes', async () => {
    const { traceId, lines } = await run(() => console.warn('slow %dms', 812, { route: '/x' }), { consoleFormat: 'json' });
    const line = JSON.parse(lines[0]!.args[0] as string);
    expect(line).toMatchObject({ level: 'WARN', message: "slow 812ms { route: '/x' }", trace_id: traceId, route: '/x' });
    expect(lines[0]!.method).toBe('warn');
  });

  it('off: the original arguments, untouched', async () => {
    const { lines } = await run(() => console.log('as is', { a: 1 }), { consoleFormat: 'off' });
    expect(lines[0]!.args).toEqual(['as is', { a: 1 }]);
  });

  it('outside an invocation the line is unchanged and the record has no trace context', async () => {
    observability = testObservability();
    console.log('init');
    expect(observability.lines[0]!.args).toEqual(['init']);
  });
});

describe('bridge mechanics', () => {
  it('two setups share one bridge and each sees its own: one record per call, in the setup whose invocation runs', async () => {
    observability = testObservability({ serviceName: 'first' });
    const patched = console.log;
    const logs = new InMemoryLogRecordExporter();
    const second = createLambdaObservability(
      { serviceName: 'second', logExporter: logs, spanExporter: new InMemorySpanExporter() },
      { ...LAMBDA_ENV },
    );
    expect(console.log).toBe(patched); // the second setup attached to the bridge the first installed
    await observability.wrap(async (_event: unknown, _context: unknown) => console.log('first'))({}, lambdaContext());
    await second.wrap(async (_event: unknown, _context: unknown) => console.log('second'))({}, lambdaContext());
    expect(observability.logs().map((r) => r.body)).toEqual(['first']);
    expect(logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['second']);
    await second.shutdown(); // the first still holds the bridge
    expect(console.log).toBe(patched);
    await observability.wrap(async (_event: unknown, _context: unknown) => console.log('first again'))({}, lambdaContext());
    expect(observability.logs().map((r) => r.body)).toEqual(['first', 'first again']);
    expect(observability.lines.map((l) => String(l.args[0]).split(' trace_id=')[0])).toEqual(['first', 'second', 'first again']);
  });

  it('a console call made while a record is built goes straight to the original (no recursion)', async () => {
    const reentrant = {
      toString() {
        console.log('inner');
        return 'outer';
      },
    };
    const { logs, lines, traceId, spanId } = await run(() => console.log('%s', reentrant));
    expect(logs.map((r) => r.body)).toEqual(['outer']);
    // The user's toString ran once: the line is the formatted body, not formatted again by the console.
    expect(lines.map((l) => l.args)).toEqual([['inner'], [`outer trace_id=${traceId} span_id=${spanId}`]]);
  });

  it('a body cut at the limit leaves the original arguments on stdout', async () => {
    const long = 'y'.repeat(5000);
    const { lines, traceId } = await run(() => console.log('big', long), { maxLogBodyLength: 1000 });
    expect(lines[0]!.args).toEqual(['big', long, expect.stringContaining(traceId)]);
  });

  it('when the logger throws, the line still reaches stdout', () => {
    const target = { log: (...args: unknown[]) => written.push(args) } as unknown as Console;
    const written: unknown[][] = [];
    const bridge = installConsoleBridge({
      target,
      logger: {
        emit() {
          throw new Error('broken');
        },
        enabled: () => true,
      },
      format: 'text',
      maxBodyLength: 100,
    });
    target.log('still here');
    bridge.uninstall();
    expect(written).toEqual([['still here']]);
  });

  it('uninstall leaves a method alone if someone patched over it', () => {
    const target = { log: () => {}, info: () => {} } as unknown as Console;
    const bridge = installConsoleBridge({ target, logger: { emit() {}, enabled: () => true }, format: 'text', maxBodyLength: 100 });
    const theirs = () => {};
    target.info = theirs;
    bridge.uninstall();
    expect(target.info).toBe(theirs);
    expect(target.log.name).not.toBe('replacement');
  });
});
