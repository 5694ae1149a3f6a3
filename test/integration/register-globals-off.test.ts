import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SpanKind, metrics, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { observeAwsClient } from '../../src/aws.ts';
import { forEachRecord } from '../../src/lambda.ts';
import { startAwsEndpoint, type AwsEndpoint } from '../helpers/aws-endpoints.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

// With registerGlobals: false the OpenTelemetry API knows nothing of the setup; the lifecycle, the console
// bridge, forEachRecord and observeAwsClient correlate all the same, through the setup's own context.

let observability: TestObservability | undefined;
let endpoint: AwsEndpoint | undefined;
afterEach(async () => {
  await observability?.dispose();
  await endpoint?.close();
  observability = endpoint = undefined;
});

describe('registerGlobals: false', () => {
  it('the API is left alone: no tracer provider registered, and the meter provider registered at import withdrawn', async () => {
    observability = testObservability({ registerGlobals: false, metrics: {} });
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
    await observability.wrap(async (_event: unknown, _context: unknown) => {
      expect(trace.getActiveSpan()).toBeUndefined();
    })({}, lambdaContext());
    expect(observability.spans()).toHaveLength(1);
  });

  it("forEachRecord: the handler's and the record's console lines carry their span ids; the record's span is exported", async () => {
    const setup = (observability = testObservability({ registerGlobals: false }));
    const event = { Records: [{ ...loadEvent('sqs').Records[0], messageAttributes: {} }] };
    await setup.wrap(async (e: unknown, _context: unknown) => {
      console.log('handler line');
      return forEachRecord(e, () => console.log('record line'));
    })(event, lambdaContext());
    const spans = setup.spans();
    const invocation = spans.find((s) => s.attributes['faas.invocation_id'])!;
    const record = spans.find((s) => s.kind === SpanKind.CONSUMER)!;
    expect(record).toBeDefined();
    expect(record.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    const spanOf = (body: string) => setup.logs().find((r) => r.body === body)?.spanContext?.spanId;
    expect(spanOf('handler line')).toBe(invocation.spanContext().spanId);
    expect(spanOf('record line')).toBe(record.spanContext().spanId);
  });

  it("observeAwsClient: the call's span is a child of the invocation's, and its context goes into the message", async () => {
    endpoint = await startAwsEndpoint('sqs');
    const url = endpoint.url;
    const setup = (observability = testObservability({ registerGlobals: false }));
    const client = observeAwsClient(
      new SQSClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } }),
    );
    await setup.wrap(async (_event: unknown, _context: unknown) =>
      client.send(new SendMessageCommand({ QueueUrl: `${url}/123456789012/orders`, MessageBody: 'x' })),
    )({}, lambdaContext());
    const spans = setup.spans();
    const invocation = spans.find((s) => s.attributes['faas.invocation_id'])!;
    const send = spans.find((s) => s.name === 'SQS/SendMessage')!;
    expect(send).toBeDefined();
    expect(send.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    expect(endpoint.messages[0]!.attributes.traceparent?.StringValue).toBe(
      `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`,
    );
  });
});
