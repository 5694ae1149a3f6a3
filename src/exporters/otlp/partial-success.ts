import { printable } from '../printable.ts';

/** What an OTLP endpoint said it did not accept from a request it answered with 2xx. */
export interface PartialSuccess {
  readonly rejected: number;
  readonly errorMessage: string;
}

/**
 * Reads `partial_success` from an OTLP/HTTP success answer (ExportTraceServiceResponse,
 * ExportLogsServiceResponse and ExportMetricsServiceResponse share the shape: field 1 a message whose field 1
 * is the rejected count, of spans, log records or data points, and field 2 the error message), in protobuf or JSON. Undefined when nothing was rejected and there is no
 * message, or the answer cannot be read: a success stays a success. The spec says not to retry what was
 * rejected (https://opentelemetry.io/docs/specs/otlp/#partial-success-1).
 *
 * @example
 * partialSuccessOf(body, 'application/x-protobuf'); // { rejected: 3, errorMessage: 'too old' }
 */
export function partialSuccessOf(body: Uint8Array | undefined, contentType: string | undefined): PartialSuccess | undefined {
  if (!body || body.length === 0) return undefined;
  try {
    const found = contentType?.includes('json') ? fromJson(body) : fromProtobuf(body);
    return found && (found.rejected > 0 || found.errorMessage !== '') ? found : undefined;
  } catch {
    return undefined;
  }
}

function fromJson(body: Uint8Array): PartialSuccess | undefined {
  const parsed = JSON.parse(new TextDecoder().decode(body)) as { partialSuccess?: Record<string, unknown> };
  const partial = parsed.partialSuccess;
  if (!partial) return undefined;
  const rejected = Number(partial.rejectedSpans ?? partial.rejectedLogRecords ?? partial.rejectedDataPoints ?? 0);
  return { rejected: Number.isFinite(rejected) ? rejected : 0, errorMessage: String(partial.errorMessage ?? '') };
}

function fromProtobuf(body: Uint8Array): PartialSuccess | undefined {
  const partial = fields(body).get(1);
  if (!(partial instanceof Uint8Array)) return undefined;
  const inner = fields(partial);
  const rejected = inner.get(1);
  const message = inner.get(2);
  return {
    rejected: typeof rejected === 'number' ? rejected : 0,
    errorMessage: message instanceof Uint8Array ? new TextDecoder().decode(message) : '',
  };
}

/** The fields of one protobuf message (varints as numbers, the others as bytes), last one wins; throws on truncation. */
function fields(bytes: Uint8Array): Map<number, number | Uint8Array> {
  const out = new Map<number, number | Uint8Array>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= bytes.length || shift > 63) throw new Error('truncated varint');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const wire = key % 8;
    const field = Math.floor(key / 8);
    if (wire === 0) out.set(field, varint());
    else if (wire === 2 || wire === 1 || wire === 5) {
      const length = wire === 2 ? varint() : wire === 1 ? 8 : 4;
      if (at + length > bytes.length) throw new Error('truncated field');
      out.set(field, bytes.subarray(at, (at += length)));
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** An OTLP answer as the transport gives it (undefined for a request that failed). */
export type OtlpAnswer = { readonly body?: Uint8Array; readonly contentType?: string } | undefined;

/** Reads the partial_success of an export's answers, in place or after loading its code. */
export type PartialSuccessReader = (answers: readonly OtlpAnswer[]) => PartialSuccess | undefined | Promise<PartialSuccess | undefined>;

/**
 * The rejected records of several answers (a split batch), summed, with their distinct messages; undefined
 * when none rejected anything.
 *
 * @example
 * sumPartialSuccess([{ body, contentType: 'application/x-protobuf' }, undefined]);
 */
export function sumPartialSuccess(answers: readonly OtlpAnswer[]): PartialSuccess | undefined {
  let rejected = 0;
  const messages = new Set<string>();
  for (const answer of answers) {
    const partial = answer && partialSuccessOf(answer.body, answer.contentType);
    rejected += partial?.rejected ?? 0;
    // The endpoint's own words, printed on stderr: escaped (a newline or an ANSI escape in them cannot forge
    // a diagnostic line) and bounded.
    if (partial?.errorMessage) messages.add(printable(partial.errorMessage, 200));
  }
  return rejected === 0 && messages.size === 0 ? undefined : { rejected, errorMessage: [...messages].join('; ') };
}
