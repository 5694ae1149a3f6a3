import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { RecordUidProcessor } from '../../src/core/record-uid-processor.ts';
import { toLokiStreams } from '../../src/exporters/loki/loki-streams.ts';
import { derivedRecordUid } from '../../src/exporters/record-uid.ts';
import { otlpWireRecord } from '../../tools/otlp-wire-record.ts';
import { decodeLogs, recordUidOf } from '../../tools/otlp-decode.ts';

const spanContext = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: TraceFlags.SAMPLED };

async function emitted(records: { time: number; inSpan: boolean; attributes?: Record<string, string> }[]) {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new RecordUidProcessor(), new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('test');
  for (const [n, { time, inSpan, attributes }] of records.entries()) {
    const context = inSpan ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
    logger.emit({ body: `line ${n}`, timestamp: time, context, attributes: { 'faas.invocation_id': 'req-1', ...attributes } });
  }
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

describe('log.record.uid: derived in a span, left out of the OTLP request, kept for the fallbacks', () => {
  it('records of one millisecond get distinct, ordered timestamps and the uid derived from span id and timestamp', async () => {
    const records = await emitted(Array.from({ length: 5 }, () => ({ time: 1795570323764, inSpan: true })));
    const uids = records.map((r) => r.attributes['log.record.uid']);
    expect(new Set(uids).size).toBe(5);
    expect(uids).toEqual(records.map((r) => derivedRecordUid(r)));
    expect(uids[0]).toBe('eee19b7ec3c1b174-1795570323764000000');
    expect(uids[4]).toBe('eee19b7ec3c1b174-1795570323764000004');
  });

  it('the OTLP request carries neither the derived uid nor the invocation id; every copy yields the same uid', async () => {
    const records = await emitted([
      { time: 1795570323764, inSpan: true, attributes: { step: '1' } },
      { time: 1795570323764, inSpan: false },
      { time: 1795570000000, inSpan: true }, // an explicit older timestamp: kept, so its uid is sent
    ]);
    const received = decodeLogs(ProtobufLogsSerializer.serializeRequest(records.map(otlpWireRecord))!);
    expect(received.map((r) => r.attributes)).toEqual([
      { step: '1' },
      { 'faas.invocation_id': 'req-1', 'log.record.uid': records[1]!.attributes['log.record.uid'] },
      { 'log.record.uid': records[2]!.attributes['log.record.uid'] },
    ]);
    expect(received[2]!.timeNs).toBe('1795570000000000000');
    // The record itself is unchanged: the Loki fallback's structured metadata is complete.
    const loki = toLokiStreams(records).flatMap((s) => s.entries);
    expect(loki.map((e) => e.metadata.faas_invocation_id)).toEqual(['req-1', 'req-1', 'req-1']);
    expect(loki.map((e) => e.metadata.log_record_uid).sort()).toEqual(received.map((r) => recordUidOf(r)).sort());
  });
});
