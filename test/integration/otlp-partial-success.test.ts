import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { encodeLogs } from '../../src/exporters/otlp/encode-logs.ts';
import { encodeSpans } from '../../src/exporters/otlp/encode-spans.ts';
import { createOtlpLogExporter, createOtlpSpanExporter } from '../../src/exporters/otlp/otlp-exporter.ts';
import { partialSuccessOf } from '../../src/exporters/otlp/partial-success.ts';
import { ProtobufWriter } from '../../src/exporters/otlp/protobuf-writer.ts';
import { encodePartialSuccess } from '../../tools/otlp-decode.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';

const PROTOBUF = 'application/x-protobuf';

/** A response written field by field, unknown fields (of every wire type) around and inside partial_success. */
function answerWithUnknownFields(rejected: number, message: string): Uint8Array {
  const w = new ProtobufWriter();
  w.tag(7, 0);
  w.varint(2 ** 40); // unknown varint
  w.tag(8, 1);
  w.fixed32(1);
  w.fixed32(2); // unknown fixed64
  const at = w.open(1);
  w.tag(9, 5);
  w.fixed32(0xffffffff); // unknown fixed32
  w.tag(1, 0);
  w.varint(rejected);
  const nested = w.open(15); // unknown message
  w.tag(1, 2);
  w.string('ignored');
  w.close(nested);
  w.tag(2, 2);
  w.string(message);
  w.close(at);
  w.tag(3, 2);
  w.string('unknown string'); // unknown length-delimited
  return w.finish().slice();
}

describe('partial_success answers', () => {
  it('unknown fields of every wire type, before, inside and after partial_success, are skipped', () => {
    expect(partialSuccessOf(answerWithUnknownFields(12, 'dropped: too old ✓'), PROTOBUF)).toEqual({
      rejected: 12,
      errorMessage: 'dropped: too old ✓',
    });
    expect(partialSuccessOf(answerWithUnknownFields(2 ** 33, ''), PROTOBUF)).toEqual({ rejected: 2 ** 33, errorMessage: '' });
  });

  it('an answer cut anywhere reads as a plain success (no partial_success), never a throw', () => {
    const whole = answerWithUnknownFields(3, 'rejected');
    const readable: number[] = [];
    for (let length = 1; length < whole.length; length++) {
      const read = () => partialSuccessOf(whole.subarray(0, length), PROTOBUF);
      expect(read).not.toThrow();
      if (read() !== undefined) readable.push(length);
    }
    // Only the cut right after partial_success (before the trailing unknown field) is a whole message.
    expect(readable).toEqual([whole.length - 2 - 'unknown string'.length]);
    expect(partialSuccessOf(new Uint8Array([0x0a, 0x02, 0x08]), PROTOBUF)).toBeUndefined(); // length past the end
    expect(partialSuccessOf(new Uint8Array([0x0a, 0x01, 0x80]), PROTOBUF)).toBeUndefined(); // varint cut
    expect(partialSuccessOf(new Uint8Array([0x41, 1, 2, 3]), PROTOBUF)).toBeUndefined(); // fixed64 cut
    expect(partialSuccessOf(new Uint8Array([0x0b]), PROTOBUF)).toBeUndefined(); // group wire type
    expect(partialSuccessOf(new Uint8Array(12).fill(0xff), PROTOBUF)).toBeUndefined(); // endless varint
  });

  it('the official encoding (protobufjs from the OTLP definitions) of every signal', () => {
    expect(partialSuccessOf(encodePartialSuccess('logs', 4, 'bad'), PROTOBUF)).toEqual({ rejected: 4, errorMessage: 'bad' });
    expect(partialSuccessOf(encodePartialSuccess('traces', 1, ''), PROTOBUF)).toEqual({ rejected: 1, errorMessage: '' });
    expect(partialSuccessOf(encodePartialSuccess('metrics', 2 ** 40, 'old'), PROTOBUF)).toEqual({ rejected: 2 ** 40, errorMessage: 'old' });
    const json = new TextEncoder().encode(JSON.stringify({ partialSuccess: { rejectedDataPoints: '7', errorMessage: 'late' } }));
    expect(partialSuccessOf(json, 'application/json')).toEqual({ rejected: 7, errorMessage: 'late' });
  });
});

const availability = collectorAvailability();
describe.skipIf(!availability.run)(`the real collector ${availability.reason}`, () => {
  it('takes our requests (decoded by its own protobuf code) and answers a success without partial_success', async () => {
    const spanMemory = new InMemorySpanExporter();
    const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spanMemory })] }).getTracer('t');
    const span = tracer.startSpan('from our encoder', { attributes: { é: [1, 2], bytes: 'x'.repeat(200) } });
    span.addEvent('event');
    span.end();
    const logMemory = new InMemoryLogRecordExporter();
    const logger = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logMemory })] }).getLogger('l');
    logger.emit({ body: { nested: { list: [1, 'two'] } }, attributes: { n: -5 } });
    const collector = await startCollector();
    const answers: { status: number; type: string | null; body: Uint8Array }[] = [];
    try {
      for (const [path, body] of [
        ['/v1/traces', encodeSpans(spanMemory.getFinishedSpans())],
        ['/v1/logs', encodeLogs(logMemory.getFinishedLogRecords())],
      ] as const) {
        const response = await fetch(`${collector.endpoint}${path}`, {
          method: 'POST',
          body: body as Uint8Array<ArrayBuffer>,
          headers: { 'content-type': PROTOBUF },
        });
        answers.push({
          status: response.status,
          type: response.headers.get('content-type'),
          body: new Uint8Array(await response.arrayBuffer()),
        });
      }
      // And through the exporters, which read every answer for partial_success.
      const exported = await Promise.all([
        new Promise((done) =>
          createOtlpSpanExporter({ url: `${collector.endpoint}/v1/traces`, timeoutMs: 5000 }).export(spanMemory.getFinishedSpans(), done),
        ),
        new Promise((done) =>
          createOtlpLogExporter({ url: `${collector.endpoint}/v1/logs`, timeoutMs: 5000 }).export(logMemory.getFinishedLogRecords(), done),
        ),
      ]);
      expect(exported).toEqual([{ code: ExportResultCode.SUCCESS }, { code: ExportResultCode.SUCCESS }]);
    } finally {
      const received = await collector.stop();
      expect(received.spans.map((s) => s.name)).toEqual(['from our encoder', 'from our encoder']);
      expect(received.spans[0]!.attributes).toEqual({ é: [1, 2], bytes: 'x'.repeat(200) });
      expect(received.logs.map((l) => [l.body, l.attributes])).toEqual([
        [{ nested: { list: [1, 'two'] } }, { n: -5 }],
        [{ nested: { list: [1, 'two'] } }, { n: -5 }],
      ]);
    }
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.type).toBe(PROTOBUF);
      expect(partialSuccessOf(answer.body, answer.type ?? undefined)).toBeUndefined();
    }
  }, 30_000);
});
