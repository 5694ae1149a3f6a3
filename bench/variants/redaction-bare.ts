// The baseline of the redaction bench: the same lines (redaction-lines.ts), no telemetry at all.
import { writeLines } from './redaction-lines.ts';

export const handler = async (event: { i: number }, _context: unknown) => {
  writeLines();
  return { statusCode: 200, body: String(event.i) };
};
