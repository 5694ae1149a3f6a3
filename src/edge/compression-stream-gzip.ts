import { gzipWithCompressionStream } from '../exporters/gzip.ts';
import type { Gzip } from '../exporters/otlp/otlp-exporter.ts';

/**
 * Gzips a request body with the runtime's `CompressionStream` (workerd and Deno have it, tested; so does
 * Node); undefined where the runtime has none (Vercel's local `edge-runtime`), and bodies then go out as is.
 *
 * @example
 * const gzip = compressionStreamGzip();
 * const body = gzip ? await gzip(new TextEncoder().encode('hello')) : undefined;
 */
export function compressionStreamGzip(): Gzip | undefined {
  return typeof CompressionStream === 'function' ? gzipWithCompressionStream : undefined;
}
