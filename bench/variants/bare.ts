// The baseline: the same work with no telemetry at all.
export const handler = async (event: { i: number; lines?: number }, _context: unknown) => {
  for (let n = 0; n < (event.lines ?? 5); n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
  return { statusCode: 200, body: String(event.i) };
};
