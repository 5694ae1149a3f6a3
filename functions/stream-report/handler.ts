import { withObservability } from '../../src/lambda.ts';

// Provided by Lambda's Node.js runtime (and by this project's local runtime client).
declare const awslambda: {
  streamifyResponse<H>(handler: H): H;
};

interface ResponseStream {
  write(chunk: string): void;
  end(): void;
}

/**
 * A response-streaming Function URL handler: lines go out as they are produced; the telemetry flush runs
 * after the stream ended, before the handler settles, so it never delays what the client receives.
 */
export const handler = withObservability(
  awslambda.streamifyResponse(async (_event: unknown, stream: ResponseStream) => {
    console.log('streaming the report');
    for (let line = 1; line <= 5; line++) {
      stream.write(`line ${line}\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    stream.end();
    console.log('report streamed', { lines: 5 });
  }),
);
