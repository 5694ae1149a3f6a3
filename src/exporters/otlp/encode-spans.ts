import type { Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { attributes, encodeRequest } from './encode-common.ts';
import type { ProtobufWriter } from './protobuf-writer.ts';

/**
 * An OTLP `ExportTraceServiceRequest` (opentelemetry/proto/collector/trace/v1), byte for byte what the
 * official `ProtobufTraceSerializer` writes, without its size estimator and response readers.
 *
 * @example
 * await fetch(url, { method: 'POST', body: encodeSpans(spans), headers: { 'content-type': 'application/x-protobuf' } });
 */
export function encodeSpans(spans: readonly ReadableSpan[]): Uint8Array {
  return encodeRequest(spans, writeSpan);
}

// Span.flags: the W3C trace flags, plus whether the parent (or a link's target) is remote:
// https://github.com/open-telemetry/opentelemetry-proto/blob/v1.5.0/opentelemetry/proto/trace/v1/trace.proto (SpanFlags)
function flags(w: ProtobufWriter, field: number, traceFlags: number, isRemote: boolean | undefined): void {
  w.tag(field, 5);
  w.fixed32((traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0));
}

function ids(w: ProtobufWriter, context: SpanContext): void {
  w.hex(1, context.traceId);
  w.hex(2, context.spanId);
}

function traceState(w: ProtobufWriter, context: SpanContext): void {
  const state = context.traceState?.serialize();
  if (state) {
    w.tag(3, 2);
    w.string(state);
  }
}

function count(w: ProtobufWriter, field: number, value: number | undefined): void {
  w.tag(field, 0);
  w.varint(value || 0);
}

function writeSpan(w: ProtobufWriter, span: ReadableSpan): void {
  const at = w.open(2);
  const context = span.spanContext();
  ids(w, context);
  traceState(w, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) w.hex(4, parent.spanId);
  w.tag(5, 2);
  w.string(span.name);
  // SpanKind: the API's INTERNAL = 0 is OTLP's SPAN_KIND_INTERNAL = 1.
  if (span.kind != null) count(w, 6, span.kind + 1);
  w.time(7, span.startTime);
  w.time(8, span.endTime);
  attributes(w, 9, span.attributes);
  count(w, 10, span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  count(w, 12, span.droppedEventsCount);
  for (const link of span.links) writeLink(w, link);
  count(w, 14, span.droppedLinksCount);
  const status = w.open(15);
  if (span.status.message) {
    w.tag(2, 2);
    w.string(span.status.message);
  }
  count(w, 3, span.status.code);
  w.close(status);
  flags(w, 16, context.traceFlags, parent?.isRemote);
  w.close(at);
}

function writeEvent(w: ProtobufWriter, event: TimedEvent & { droppedAttributesCount?: number }): void {
  const at = w.open(11);
  w.time(1, event.time);
  w.tag(2, 2);
  w.string(event.name);
  attributes(w, 3, event.attributes);
  count(w, 4, event.droppedAttributesCount);
  w.close(at);
}

function writeLink(w: ProtobufWriter, link: Link): void {
  const at = w.open(13);
  ids(w, link.context);
  traceState(w, link.context);
  attributes(w, 4, link.attributes);
  count(w, 5, link.droppedAttributesCount);
  flags(w, 6, link.context.traceFlags, link.context.isRemote);
  w.close(at);
}
