// Outbound bench, this library: the requests run inside one wrapped invocation (CLIENT span per request,
// traceparent injected through Node's diagnostics channels); spans go to a no-op exporter after the loop.
import { ExportResultCode } from '@opentelemetry/core';
import { createLambdaObservability } from '../../src/lambda.ts';

const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const observability = createLambdaObservability(
  { spanExporter: noop as never, logExporter: noop as never, captureConsole: false },
  { AWS_LAMBDA_FUNCTION_NAME: 'bench', AWS_REGION: 'eu-west-1' },
);
const context = {
  awsRequestId: 'bench',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
  functionName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
};

export const runner = async (requests: () => Promise<void>): Promise<void> => {
  await observability.wrap(async (_event: unknown, _context: unknown) => requests())({}, context);
};
