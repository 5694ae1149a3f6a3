// A response-streaming handler with no telemetry: three chunks, then the end of the response.
export const handler = async (_event: unknown, stream: { write(chunk: string): void; end(): void }, _context: unknown) => {
  for (let n = 0; n < 3; n++) {
    console.log('chunk %d', n);
    stream.write(`chunk ${n}\n`);
  }
  stream.end();
};
Object.assign(handler, { [Symbol.for('aws.lambda.runtime.handler.streaming')]: 'response' });
