// The edge baseline: a fetch handler doing the same work with no telemetry.
export const handler = async (request: Request, _context?: { waitUntil(p: Promise<unknown>): void }) => {
  for (let n = 0; n < 5; n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
  return new Response(`ok ${new URL(request.url).pathname}`);
};
