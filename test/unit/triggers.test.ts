import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEvent } from '../helpers/fixtures.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';
import type { TriggerAdapter } from '../../src/core/trigger.ts';
import { edgeFetch, type FetchEvent } from '../../src/triggers/edge/fetch.ts';
import { sqs } from '../../src/triggers/lambda/sqs.ts';

let observability: TestObservability;
afterEach(() => observability.dispose());

async function invoke(event: unknown, result: unknown = { statusCode: 200 }) {
  observability = testObservability();
  await observability.wrap(async (_event: unknown, _context: unknown) => result)(event, lambdaContext());
  const spans = observability.spans();
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('HTTP triggers', () => {
  it('API Gateway REST (v1): SERVER span named after the resource, parent from a mixed-case traceparent', async () => {
    const span = await invoke(loadEvent('api-gateway-v1'), { statusCode: 404 });
    expect(span.name).toBe('GET /orders/{id}');
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'http',
      'http.request.method': 'GET',
      'http.route': '/orders/{id}',
      'url.path': '/orders/42',
      'url.query': 'expand=items',
      'url.scheme': 'https',
      'server.address': '1234567890.execute-api.eu-west-1.amazonaws.com',
      'user_agent.original': 'curl/8.5.0',
      'client.address': '203.0.113.7',
      'http.response.status_code': 404,
    });
    expect(span.attributes['error.type']).toBeUndefined();
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('API Gateway HTTP (v2): route from routeKey, tracestate and status ERROR on 5xx, error.type the status', async () => {
    const span = await invoke(loadEvent('api-gateway-v2'), { statusCode: 503, body: 'down' });
    expect(span.attributes['error.type']).toBe('503');
    expect(span.name).toBe('POST /orders/{id}/items');
    expect(span.attributes).toMatchObject({
      'http.route': '/orders/{id}/items',
      'url.path': '/orders/42/items',
      'url.query': 'dryRun=true&source=web',
      'http.response.status_code': 503,
      'client.address': '198.51.100.23',
      'network.protocol.version': '1.1',
    });
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.spanContext().traceState?.get('vendor')).toBe('opaque');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('API Gateway v2 answers 200 when the result is not a response object', async () => {
    const span = await invoke(loadEvent('api-gateway-v2'), { id: 42 });
    expect(span.attributes['http.response.status_code']).toBe(200);
  });

  it('Function URL: span named by method only, new trace without traceparent', async () => {
    const span = await invoke(loadEvent('function-url'), { statusCode: 200 });
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
    expect(span.attributes['url.path']).toBe('/report');
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('ALB: scheme from x-forwarded-proto, first x-forwarded-for hop as client', async () => {
    const span = await invoke(loadEvent('alb'), { statusCode: 500 });
    expect(span.name).toBe('GET');
    expect(span.attributes).toMatchObject({ 'url.scheme': 'http', 'client.address': '72.12.164.125', 'url.query': 'query=1234ABCD' });
    expect(span.spanContext().traceId).toBe('5bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('ALB with multi-value headers reads them case-insensitively', async () => {
    const event = loadEvent('alb');
    const { headers } = event;
    delete event.headers;
    event.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    const span = await invoke(event);
    expect(span.spanContext().traceId).toBe('5bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('message and data triggers', () => {
  it('SQS: CONSUMER span with one link per traced message (traceparent and AWSTraceHeader), no parent', async () => {
    const span = await invoke(loadEvent('sqs'), { batchItemFailures: [{ itemIdentifier: '2e1424d4-f796-459a-8184-9c92662be6da' }] });
    expect(span.name).toBe('process orders');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'pubsub',
      'messaging.system': 'aws_sqs',
      'messaging.destination.name': 'orders',
      'messaging.batch.message_count': 3,
      'messaging.operation.type': 'process',
      'aws.lambda.batch_item_failures': 1,
    });
    expect(span.links.map((link) => link.context.traceId)).toEqual([
      '5759e988bd862e3fe1be46a994272793',
      '6bf92f3577b34da6a3ce929d0e0e4736',
    ]);
  });

  it('SNS: CONSUMER span linked through the traceparent message attribute', async () => {
    const span = await invoke(loadEvent('sns'));
    expect(span.name).toBe('process order-events');
    expect(span.attributes).toMatchObject({
      'messaging.system': 'aws_sns',
      'messaging.message.id': '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    });
    expect(span.links[0]?.context.traceId).toBe('7bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('S3: datasource trigger with the document attributes, key decoded', async () => {
    const span = await invoke(loadEvent('s3'));
    expect(span.name).toBe('ObjectCreated:Put invoices-bucket');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'datasource',
      'faas.document.collection': 'invoices-bucket',
      'faas.document.operation': 'insert',
      'faas.document.name': '2026/november report.pdf',
      'faas.document.time': '2026-11-24T13:31:00.000Z',
    });
  });

  it('EventBridge: pubsub trigger, parent from a traceparent in the detail', async () => {
    const span = await invoke(loadEvent('eventbridge'));
    expect(span.name).toBe('com.example.orders OrderPlaced');
    expect(span.attributes).toMatchObject({ 'faas.trigger': 'pubsub', 'aws.eventbridge.detail_type': 'OrderPlaced' });
    expect(span.spanContext().traceId).toBe('8bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('Scheduled event: timer trigger with faas.time and the rule name', async () => {
    const span = await invoke(loadEvent('schedule'));
    expect(span.name).toBe('schedule nightly-report');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'timer',
      'faas.time': '2026-11-24T13:30:00Z',
      'aws.eventbridge.rule': 'nightly-report',
    });
  });

  it('generic: other trigger named after the function, parent from a top-level traceparent', async () => {
    const span = await invoke(loadEvent('generic'));
    expect(span.name).toBe('orders-api');
    expect(span.attributes['faas.trigger']).toBe('other');
    expect(span.spanContext().traceId).toBe('9bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([null, 42, 'text', [], { Records: [] }, { Records: [null] }, { version: '2.0', requestContext: null }])(
    'odd event %j still gets one generic span',
    async (event) => {
      const span = await invoke(event, undefined);
      expect(span.attributes['faas.trigger']).toBe('other');
    },
  );

  it('a malformed trigger event falls back to a generic span instead of failing the invocation', async () => {
    const span = await invoke({
      Records: [{ eventSource: 'aws:sqs' }],
      get broken() {
        throw new Error('x');
      },
    });
    expect(span.name).toBe('process');
  });
});

describe('FaaS attributes', () => {
  it('sets invocation id, invoked ARN, account and the versioned resource id', async () => {
    const span = await invoke(loadEvent('generic'));
    expect(span.attributes).toMatchObject({
      'faas.coldstart': true,
      'aws.lambda.invoked_arn': 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live',
      'cloud.account.id': '123456789012',
      'cloud.resource_id': 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:7',
    });
    expect(span.attributes['faas.invocation_id']).toMatch(/^c6af9ac6-/);
    expect(span.resource.attributes).toMatchObject({
      'service.name': 'orders-api',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
      'faas.name': 'orders-api',
      'faas.version': '7',
      'faas.instance': '2026/11/24/[7]abcdef',
      'faas.max_memory': 256 * 1024 * 1024,
    });
  });
});

describe('the adapter contract is typed by the event it reads (npm run typecheck holds these)', () => {
  it('an edge adapter is not taken where any event may come; a Lambda adapter, which checks every field, is', () => {
    // @ts-expect-error edgeFetch reads a FetchEvent: passing it where any event may arrive does not compile
    const anyEvent: TriggerAdapter<unknown> = edgeFetch;
    const forFetch: TriggerAdapter<FetchEvent> = sqs;
    expect([anyEvent.name, forFetch.name]).toEqual(['edge-fetch', 'sqs']);
  });
});
