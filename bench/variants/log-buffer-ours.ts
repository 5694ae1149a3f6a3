import { withObservability } from '../../src/lambda.ts';

// The log-a-Buffer row: the same handler, wrapped (its record goes to the sink like any other).
export const handler = withObservability(async (event: { body?: Uint8Array }, _context: unknown) => {
  console.log('body', { Body: event.body });
  return { statusCode: 200 };
});
