import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { encodeLogs } from '../../src/exporters/otlp/encode-logs.ts';
import { encodeSpans } from '../../src/exporters/otlp/encode-spans.ts';
import { ProtobufWriter } from '../../src/exporters/otlp/protobuf-writer.ts';
import { decodeLogs, decodeRequest, decodeSpans } from '../../tools/otlp-decode.ts';
import { RecordUidProcessor } from '../../src/core/record-uid-processor.ts';
import { otlpOmittedAttributes } from '../../src/exporters/record-uid.ts';
import { otlpWireRecord } from '../../tools/otlp-wire-record.ts';
import { handLog, handLogs, handSpans, sdkLogs, sdkSpans, SPAN_CONTEXT } from '../helpers/otlp-batches.ts';

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');

describe('our OTLP encoders write what the official serializers write', () => {
  it('spans from the SDK: several resources, scopes, kinds, events, links, trace state, remote parents, dropped counts', async () => {
    const spans = await sdkSpans();
    expect(spans.length).toBe(8);
    expect(hex(encodeSpans(spans))).toBe(hex(ProtobufTraceSerializer.serializeRequest(spans)));
    const decoded = decodeSpans(encodeSpans(spans));
    expect(decoded.map((s) => s.name).sort()).toEqual(spans.map((s) => s.name).sort());
    expect(decoded.find((s) => s.name === 'root')).toMatchObject({
      kind: 2,
      status: { code: 2, message: 'bröken' },
      attributes: { s: 'v', n: 42, list: ['a', 'b'] },
    });
  });

  it('hand-made spans: every AnyValue kind and edge, ids in upper case, flags, huge counts, a 2.5 MB name', () => {
    const spans = handSpans();
    expect(hex(encodeSpans(spans))).toBe(hex(ProtobufTraceSerializer.serializeRequest(spans)));
    const request = decodeRequest('traces', encodeSpans(spans)) as any;
    const first = request.resourceSpans[0].scopeSpans[0].spans[0];
    const attribute = (key: string) => first.attributes.find((a: any) => a.key === key)?.value;
    expect(attribute('loneHigh')).toEqual({ stringValue: 'a\ufffdb', value: 'stringValue' });
    expect(attribute('minInt64')).toMatchObject({ intValue: '-9223372036854775808' });
    expect(attribute('int63')).toMatchObject({ doubleValue: 2 ** 63 });
    expect(attribute('nan').doubleValue).toBeNaN();
    expect(attribute('missing')).toEqual({});
    expect(request.resourceSpans[1].schemaUrl).toBe('https://schema/resource');
    expect(request.resourceSpans[1].scopeSpans[0].spans).toHaveLength(2);
  });

  it('log records from the SDK and by hand: bodies of every kind, severity, event name, trace flags, observed time', async () => {
    for (const records of [await sdkLogs(), handLogs()]) {
      expect(records.length).toBeGreaterThan(4);
      expect(hex(encodeLogs(records))).toBe(hex(ProtobufLogsSerializer.serializeRequest(records)));
      expect(decodeLogs(encodeLogs(records))).toHaveLength(records.length);
    }
    const [hello] = decodeLogs(encodeLogs(await sdkLogs()));
    expect(hello).toMatchObject({ body: 'hello', severityNumber: 9, severityText: 'INFO', spanId: SPAN_CONTEXT.spanId, flags: 1 });
  });

  it('attributes left out as the request is written are those otlpWireRecord leaves out of a copy', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new RecordUidProcessor(), new SimpleLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger('uid');
    const inSpan = trace.setSpanContext(ROOT_CONTEXT, SPAN_CONTEXT);
    logger.emit({ body: 'a', context: inSpan, attributes: { 'faas.invocation_id': 'req-1', step: 1 } });
    logger.emit({ body: 'b', attributes: { 'faas.invocation_id': 'req-1' } }); // no span: both kept
    await provider.forceFlush();
    // A uid that is not the derived one (the processor derives it in a span; a record made elsewhere may not): kept.
    const records = [
      ...exporter.getFinishedLogRecords(),
      handLog({ spanContext: SPAN_CONTEXT, attributes: { 'log.record.uid': 'explicit', 'faas.invocation_id': 'req-2' } }),
    ];
    const sent = encodeLogs(records, otlpOmittedAttributes);
    expect(hex(sent)).toBe(hex(ProtobufLogsSerializer.serializeRequest(records.map(otlpWireRecord))));
    expect(decodeLogs(sent).map((l) => Object.keys(l.attributes))).toEqual([
      ['step'],
      ['faas.invocation_id', 'log.record.uid'],
      ['log.record.uid'],
    ]);
  });

  it('an empty batch is an empty request', () => {
    expect(encodeSpans([])).toEqual(new Uint8Array(0));
    expect(encodeLogs([])).toEqual(new Uint8Array(0));
  });

  it('nested lengths at the varint boundaries (127/128, 16383/16384, 2097151/2097152) move the content right', () => {
    for (const length of [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152]) {
      const w = new ProtobufWriter();
      const at = w.open(3);
      w.room(length);
      w.pos += length;
      w.buf[w.pos - 1] = 7;
      w.close(at);
      const out = w.finish();
      const sizeOfLength = length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4;
      expect(out.length).toBe(1 + sizeOfLength + length);
      if (length > 0) expect(out[out.length - 1]).toBe(7);
    }
  });
});
