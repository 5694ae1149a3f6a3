import { withObservability } from '../../src/lambda.ts';

const streaming = async (_event: unknown, stream: { write(chunk: string): void; end(): void }, _context: unknown) => {
  for (let n = 0; n < 3; n++) {
    console.log('chunk %d', n);
    stream.write(`chunk ${n}\n`);
  }
  stream.end();
};
Object.assign(streaming, { [Symbol.for('aws.lambda.runtime.handler.streaming')]: 'response' });
// The flush runs after the stream ended, before the handler settles: the client never waits for it.
export const handler = withObservability(streaming);
