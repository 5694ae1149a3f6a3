/** One request of a split batch: its records and their serialized body. */
export interface RequestChunk<T> {
  readonly items: readonly T[];
  readonly body: Uint8Array;
}

export interface ChunkLimits {
  /** Largest body in bytes (uncompressed); a larger chunk is halved until it fits. */
  readonly maxRequestBytes?: number;
  /** Most records per request. */
  readonly maxItemsPerRequest?: number;
}

/**
 * Serializes a batch as requests within an endpoint's limits: at most `maxItemsPerRequest` records each,
 * halved while the body is over `maxRequestBytes`. A single record over the byte limit still goes alone (the
 * endpoint decides: CloudWatch Logs truncates a large event, X-Ray rejects a large span). An empty batch is
 * one empty request, as before any limit.
 *
 * @example
 * splitToLimits(spans, encodeSpans, { maxItemsPerRequest: 10_000 });
 */
export function splitToLimits<T>(
  items: readonly T[],
  serialize: (chunk: T[]) => Uint8Array | undefined,
  limits: ChunkLimits,
): RequestChunk<T>[] {
  const maxItems = limits.maxItemsPerRequest ?? Infinity;
  const maxBytes = limits.maxRequestBytes ?? Infinity;
  const chunks: RequestChunk<T>[] = [];
  const add = (chunk: T[]): void => {
    const body = serialize(chunk);
    if (body === undefined) throw new Error('the serializer returned nothing');
    if (body.byteLength <= maxBytes || chunk.length <= 1) {
      chunks.push({ items: chunk, body });
      return;
    }
    const half = Math.ceil(chunk.length / 2);
    add(chunk.slice(0, half));
    add(chunk.slice(half));
  };
  if (items.length === 0) add([]);
  for (let start = 0; start < items.length; start += maxItems) add(items.slice(start, start + maxItems));
  return chunks;
}
