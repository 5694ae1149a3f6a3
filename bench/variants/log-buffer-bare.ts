// The baseline of the log-a-Buffer row: a handler that logs the object it is given, no telemetry.
export const handler = async (event: { body?: Uint8Array }, _context: unknown) => {
  console.log('body', { Body: event.body });
  return { statusCode: 200 };
};
