import { SNSClient, PublishBatchCommand, PublishCommand } from '@aws-sdk/client-sns';
import { SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SpanKind, SpanStatusCode, diag, type DiagLogger } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { observeAwsClient } from '../../src/aws.ts';
import { forEachRecord } from '../../src/lambda.ts';
import { startAwsEndpoint, sqsEventFrom, type AwsEndpoint } from '../helpers/aws-endpoints.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
let observability: TestObservability | undefined;
let endpoint: AwsEndpoint | undefined;
afterEach(async () => {
  await observability?.dispose();
  await endpoint?.close();
  observability = endpoint = undefined;
});

async function invoke(fn: () => Promise<unknown>): Promise<ReadableSpan[]> {
  const setup = (observability = testObservability());
  await setup.wrap(async (_event: unknown, _context: unknown) => fn())({}, lambdaContext());
  return setup.spans();
}

const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
const sqsClient = (url: string) => observeAwsClient(new SQSClient({ endpoint: url, region: 'eu-west-1', credentials }));
const snsClient = (url: string) => observeAwsClient(new SNSClient({ endpoint: url, region: 'eu-west-1', credentials }));

describe('observeAwsClient with the real @aws-sdk/client-sqs', () => {
  it("SendMessage: a PRODUCER span with the rpc attributes, its context in the message's attributes, the input untouched", async () => {
    endpoint = await startAwsEndpoint('sqs');
    const url = endpoint.url;
    const input = {
      QueueUrl: `${url}/123456789012/orders`,
      MessageBody: 'order 7',
      MessageAttributes: { tenant: { DataType: 'String', StringValue: 'acme' } },
    };
    const spans = await invoke(() => sqsClient(url).send(new SendMessageCommand(input)));
    const send = spans.find((s) => s.name === 'SQS/SendMessage')!;
    const invocation = spans.find((s) => s.attributes['faas.invocation_id'])!;
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    expect(send.attributes).toMatchObject({
      'rpc.system': 'aws-api',
      'rpc.service': 'SQS',
      'rpc.method': 'SendMessage',
      'cloud.region': 'eu-west-1',
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'send',
      'http.response.status_code': 200,
    });
    expect(send.attributes['aws.request_id']).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = endpoint.messages;
    expect(message!.attributes).toEqual({
      tenant: { DataType: 'String', StringValue: 'acme' },
      traceparent: { DataType: 'String', StringValue: traceparentOf(send) },
    });
    expect(Object.keys(input.MessageAttributes)).toEqual(['tenant']);
    // The SDK's own HTTP request is signed: a CLIENT span under the SQS span, and no header added to it.
    const http = spans.find((s) => s.kind === SpanKind.CLIENT)!;
    expect(http.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(endpoint.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(endpoint.requests[0]!.headers.traceparent).toBeUndefined();
  });

  it('SendMessageBatch: every entry carries the context; an entry with 10 attributes is sent as is, with one diagnostic', async () => {
    endpoint = await startAwsEndpoint('sqs');
    const url = endpoint.url;
    const full = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: String(i) }]));
    const warnings: string[] = [];
    const spans = await invoke(async () => {
      diag.setLogger({ warn: (message: string) => warnings.push(message) } as unknown as DiagLogger, { suppressOverrideMessage: true });
      const client = sqsClient(url);
      const Entries = [
        { Id: '1', MessageBody: 'one' },
        { Id: '2', MessageBody: 'two', MessageAttributes: full },
      ];
      await client.send(new SendMessageBatchCommand({ QueueUrl: `${url}/123456789012/orders`, Entries }));
      await client.send(new SendMessageBatchCommand({ QueueUrl: `${url}/123456789012/orders`, Entries }));
    });
    const send = spans.find((s) => s.name === 'SQS/SendMessageBatch')!;
    expect(endpoint.messages[0]!.attributes.traceparent?.StringValue).toBe(traceparentOf(send));
    expect(Object.keys(endpoint.messages[1]!.attributes)).toHaveLength(10);
    expect(endpoint.messages[1]!.attributes.traceparent).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('SQS.SendMessageBatch: a message already has 10 message attributes')]);
  });

  it('a failed call: the span is an ERROR with the service error name as error.type and the request id', async () => {
    endpoint = await startAwsEndpoint('sqs');
    const url = endpoint.url;
    const spans = await invoke(() =>
      sqsClient(url)
        .send(new SendMessageCommand({ QueueUrl: `${url}/1/missing`, MessageBody: 'x' }))
        .catch(() => 'failed'),
    );
    const send = spans.find((s) => s.name === 'SQS/SendMessage')!;
    expect(send.status.code).toBe(SpanStatusCode.ERROR);
    expect(send.attributes).toMatchObject({ 'error.type': 'QueueDoesNotExist', 'http.response.status_code': 400 });
    expect(send.attributes['aws.request_id']).toBeDefined();
  });

  it('observing a client twice adds one middleware', async () => {
    endpoint = await startAwsEndpoint('sqs');
    const url = endpoint.url;
    const spans = await invoke(() =>
      observeAwsClient(sqsClient(url)).send(new SendMessageCommand({ QueueUrl: `${url}/1/orders`, MessageBody: 'x' })),
    );
    expect(spans.filter((s) => s.name === 'SQS/SendMessage')).toHaveLength(1);
    expect(Object.keys(endpoint.messages[0]!.attributes)).toEqual(['traceparent']);
  });

  it("the consumer's record span is the producer span's child, and its invocation span links to it", async () => {
    endpoint = await startAwsEndpoint('sqs');
    const url = endpoint.url;
    const producerSpans = await invoke(() =>
      sqsClient(url).send(new SendMessageCommand({ QueueUrl: `${url}/1/orders`, MessageBody: 'order 7' })),
    );
    const send = producerSpans.find((s) => s.name === 'SQS/SendMessage')!;
    await observability!.dispose();
    const consumer = (observability = testObservability());
    await consumer.wrap((event: unknown, _context: unknown) => forEachRecord(event, () => console.log('consumed')))(
      sqsEventFrom(endpoint.messages),
      lambdaContext(),
    );
    const spans = consumer.spans();
    const batch = spans.find((s) => s.attributes['faas.invocation_id'])!;
    const record = spans.find((s) => s !== batch)!;
    expect(batch.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(record.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(consumer.logs()[0]!.spanContext?.traceId).toBe(send.spanContext().traceId);
  });
});

describe('observeAwsClient with the real @aws-sdk/client-sns', () => {
  it('Publish and PublishBatch carry the PRODUCER span context in message attributes', async () => {
    endpoint = await startAwsEndpoint('sns');
    const url = endpoint.url;
    const TopicArn = 'arn:aws:sns:eu-west-1:123456789012:orders';
    const spans = await invoke(async () => {
      const client = snsClient(url);
      await client.send(new PublishCommand({ TopicArn, Message: 'one' }));
      await client.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: 'a', Message: 'two' }] }));
    });
    const publish = spans.find((s) => s.name === 'SNS/Publish')!;
    const batch = spans.find((s) => s.name === 'SNS/PublishBatch')!;
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.attributes).toMatchObject({ 'rpc.service': 'SNS', 'messaging.system': 'aws_sns', 'http.response.status_code': 200 });
    expect(publish.attributes['aws.request_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(endpoint.messages.map((m) => m.attributes.traceparent?.StringValue)).toEqual([traceparentOf(publish), traceparentOf(batch)]);
  });

  it("an SNS-triggered function's span links to the Publish span, from the SNS event built of what the endpoint received", async () => {
    endpoint = await startAwsEndpoint('sns');
    const url = endpoint.url;
    const spans = await invoke(() =>
      snsClient(url).send(new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders', Message: 'one' })),
    );
    const publish = spans.find((s) => s.name === 'SNS/Publish')!;
    const event = loadEvent('sns');
    const [sent] = endpoint.messages;
    event.Records[0].Sns.MessageAttributes = Object.fromEntries(
      Object.entries(sent!.attributes).map(([name, value]) => [name, { Type: value.DataType, Value: value.StringValue }]),
    );
    await observability!.dispose();
    const consumer = (observability = testObservability());
    await consumer.wrap(async (_event: unknown, _context: unknown) => 'ok')(event, lambdaContext());
    expect(consumer.spans()[0]!.links.map((l) => l.context.spanId)).toEqual([publish.spanContext().spanId]);
  });
});
