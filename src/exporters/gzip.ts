/**
 * Gzip through the Web Streams API's `CompressionStream` (Node, workerd and Deno have it; Vercel's local
 * `edge-runtime` does not, so callers check first): the one gzip of the exporters and the edge entry.
 * https://developer.mozilla.org/en-US/docs/Web/API/CompressionStream
 *
 * @example
 * const body = await gzipWithCompressionStream('{"streams":[]}');
 */
export async function gzipWithCompressionStream(body: Uint8Array | string): Promise<Uint8Array> {
  const stream = new Blob([body as Uint8Array<ArrayBuffer> | string]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
