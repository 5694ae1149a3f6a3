import { SpanKind } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { triggerFor } from '../../src/triggers/lambda/trigger-for.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';
import { headerBytesToString } from '../../src/triggers/messaging.ts';
import { rabbitHeaders } from '../../src/triggers/lambda/amazon-mq.ts';

let observability: TestObservability | undefined;
afterEach(async () => {
  await observability?.dispose();
  observability = undefined;
});

async function invoke(event: unknown, result: unknown = {}) {
  await observability?.dispose();
  const setup = (observability = testObservability());
  await setup.wrap(async (_event: unknown, _context: unknown) => result)(event, lambdaContext());
  const spans = setup.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

const PRODUCER = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const bytes = (text: string) => [...new TextEncoder().encode(text)];

describe('each AWS-documented sample event picks its own adapter', () => {
  it.each([
    ['kinesis', 'kinesis'],
    ['dynamodb-streams', 'dynamodb-streams'],
    ['kafka-msk', 'kafka'],
    ['kafka-self-managed', 'kafka'],
    ['activemq', 'activemq'],
    ['rabbitmq', 'rabbitmq'],
    ['api-gateway-websocket', 'api-gateway-websocket'],
    ['cognito-pre-sign-up', 'cognito'],
    ['cloudwatch-logs', 'cloudwatch-logs'],
    ['firehose', 'firehose'],
    ['s3-batch', 's3-batch'],
    ['s3-object-lambda', 's3-object-lambda'],
    ['api-gateway-v1', 'api-gateway-v1'],
    ['sqs', 'sqs'],
    ['generic', 'generic'],
  ])('%s → %s', (fixture, adapter) => {
    expect(triggerFor(loadEvent(fixture)).name).toBe(adapter);
  });
});

describe('streams and brokers', () => {
  it('Kinesis: pubsub CONSUMER span "process <stream>", batch failures from the result', async () => {
    const span = await invoke(loadEvent('kinesis'), { batchItemFailures: [{ itemIdentifier: '4959…' }] });
    expect(span.name).toBe('process lambda-stream');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'pubsub',
      'messaging.system': 'aws_kinesis',
      'messaging.destination.name': 'lambda-stream',
      'messaging.batch.message_count': 2,
      'aws.kinesis.stream_name': 'lambda-stream',
      'aws.lambda.batch_item_failures': 1,
    });
  });

  it('DynamoDB Streams: datasource, the table as the document collection, no operation when they differ', async () => {
    const span = await invoke(loadEvent('dynamodb-streams'));
    expect(span.name).toBe('process ExampleTableWithStream');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'datasource',
      'faas.document.collection': 'ExampleTableWithStream',
      'faas.document.time': '2015-04-09T00:00:00.000Z',
      'aws.lambda.batch_size': 3,
    });
    expect(span.attributes['faas.document.operation']).toBeUndefined();
    const inserts = loadEvent('dynamodb-streams');
    inserts.Records = inserts.Records.slice(0, 1);
    expect((await invoke(inserts)).attributes['faas.document.operation']).toBe('insert');
  });

  it.each(['kafka-msk', 'kafka-self-managed'])(
    '%s: pubsub "process <topic>", one link per record whose headers carry traceparent',
    async (fixture) => {
      const event = loadEvent(fixture);
      const [record] = event.records['mytopic-0'];
      event.records['mytopic-1'] = [{ ...record, partition: 1, headers: [{ traceparent: bytes(PRODUCER) }] }];
      const span = await invoke(event);
      expect(span.name).toBe('process mytopic');
      expect(span.attributes).toMatchObject({
        'faas.trigger': 'pubsub',
        'messaging.system': 'kafka',
        'messaging.batch.message_count': 2,
        'server.address': 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com',
      });
      expect(span.links.map((l) => l.context.spanId)).toEqual(['b7ad6b7169203331']);
      expect(span.parentSpanContext).toBeUndefined();
    },
  );

  it('ActiveMQ: "process <queue>", linked through a traceparent message property', async () => {
    const event = loadEvent('activemq');
    event.messages[1].properties.traceparent = PRODUCER;
    const span = await invoke(event);
    expect(span.name).toBe('process testQueue');
    expect(span.attributes).toMatchObject({ 'faas.trigger': 'pubsub', 'messaging.system': 'activemq', 'messaging.batch.message_count': 2 });
    expect(span.links.map((l) => l.context.traceId)).toEqual(['0af7651916cd43dd8448eb211c80319c']);
  });

  it('RabbitMQ: "process <queue>" (vhost stripped), linked through a traceparent header in bytes', async () => {
    const event = loadEvent('rabbitmq');
    event.rmqMessagesByQueue['pizzaQueue::/'][0].basicProperties.headers.traceparent = { bytes: bytes(PRODUCER) };
    const span = await invoke(event);
    expect(span.name).toBe('process pizzaQueue');
    expect(span.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'pizzaQueue' });
    expect(span.links).toHaveLength(1);
  });
});

describe('API Gateway WebSocket', () => {
  it('an http SERVER span named after the route key, parent from the $connect headers, status from the result', async () => {
    const span = await invoke(loadEvent('api-gateway-websocket'), { statusCode: 200 });
    expect(span.name).toBe('$connect');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'http',
      'aws.api_gateway.websocket.route_key': '$connect',
      'aws.api_gateway.websocket.event_type': 'CONNECT',
      'aws.api_gateway.websocket.connection_id': 'AAAA1234=',
      'http.response.status_code': 200,
    });
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('other sources, named after what they are', () => {
  it('Cognito: "Cognito <trigger source>" with the pool id, no user name or attributes', async () => {
    const span = await invoke(loadEvent('cognito-pre-sign-up'));
    expect(span.name).toBe('Cognito PreSignUp_SignUp');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'other',
      'aws.cognito.trigger_source': 'PreSignUp_SignUp',
      'aws.cognito.user_pool_id': 'us-east-1_EXAMPLE',
    });
    expect(JSON.stringify(span.attributes)).not.toMatch(/testuser/);
  });

  it('CloudWatch Logs subscription', async () => {
    const span = await invoke(loadEvent('cloudwatch-logs'));
    expect(span.name).toBe('CloudWatch Logs subscription');
    expect(span.attributes['faas.trigger']).toBe('other');
  });

  it('Firehose: "transform <stream>", failed records counted from the result', async () => {
    const span = await invoke(loadEvent('firehose'), { records: [{ recordId: '1', result: 'ProcessingFailed', data: '' }] });
    expect(span.name).toBe('transform clickstream');
    expect(span.attributes).toMatchObject({ 'faas.trigger': 'other', 'aws.lambda.batch_size': 1, 'aws.firehose.records_failed': 1 });
  });

  it('S3 Batch Operations: the bucket, the job and the key', async () => {
    const span = await invoke(loadEvent('s3-batch'));
    expect(span.name).toBe('S3 Batch Operations amzn-s3-demo-bucket');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'other',
      'aws.s3.bucket': 'amzn-s3-demo-bucket',
      'aws.s3.batch.job_id': 'f3cc4f60-61f6-4a2b-8a21-d07600c373ce',
      'aws.s3.key': 'customerImage1.jpg',
    });
  });

  it('S3 Object Lambda: the operation and access point, never the presigned input URL; parent from the user request', async () => {
    const event = loadEvent('s3-object-lambda');
    event.userRequest.headers.traceparent = PRODUCER;
    const span = await invoke(event);
    expect(span.name).toBe('S3 Object Lambda GetObject');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'other',
      'aws.s3.object_lambda.access_point_arn': 'arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/example-object-lambda-ap',
    });
    expect(JSON.stringify(span.attributes)).not.toMatch(/X-Amz/);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });
});

describe('header values delivered as bytes (Kafka, RabbitMQ): one decoder', () => {
  it('decodes an array of byte values as UTF-8 and refuses anything else', () => {
    expect(headerBytesToString([0x74, 0xc3, 0xa9])).toBe('té');
    expect(headerBytesToString(['0', 1])).toBeUndefined();
    expect(headerBytesToString('00')).toBeUndefined();
  });

  it('RabbitMQ: bytes and plain strings are read, a bytes list with a non-number is skipped (it was decoded as NUL)', () => {
    const message = { basicProperties: { headers: { traceparent: { bytes: [0x30, 0x30] }, plain: 'x', odd: { bytes: ['a'] } } } };
    expect(rabbitHeaders(message)).toEqual({ traceparent: '00', plain: 'x' });
  });
});
