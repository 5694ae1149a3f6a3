import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { forEachRecord } from '../../src/lambda.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { LAMBDA_TRIGGERS, triggerFor } from '../../src/triggers/lambda/trigger-for.ts';
import { recordBatchItemFailures } from '../../src/triggers/lambda/batch-item-failures.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

let observability: TestObservability | undefined;
afterEach(async () => {
  await observability?.dispose();
  observability = undefined;
});

const PRODUCER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const PRODUCER = `00-${PRODUCER_TRACE}-b7ad6b7169203331-01`;

/** Runs `fn` over `event` inside a wrapped handler; returns the handler's result, spans and logs. */
async function run(event: unknown, fn: (record: never, index: number) => unknown) {
  const setup = (observability = testObservability());
  const outcome = await setup
    .wrap(async (e: unknown, _context: unknown) => forEachRecord(e, fn))(event, lambdaContext())
    .then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
  const spans = setup.spans();
  const invocation = spans.find((s) => s.attributes['faas.invocation_id'])!;
  return { ...outcome, invocation, records: spans.filter((s) => s !== invocation), logs: setup.logs() };
}

function sqsEvent(count: number, queueArn = 'arn:aws:sqs:us-east-2:123456789012:my-queue') {
  const base = loadEvent('sqs').Records[0];
  return {
    Records: Array.from({ length: count }, (_, i) => ({
      ...base,
      messageId: `m${i}`,
      body: `body ${i}`,
      eventSourceARN: queueArn,
      messageAttributes: i === 0 ? { traceparent: { stringValue: PRODUCER, dataType: 'String' } } : {},
    })),
  };
}

describe('forEachRecord', () => {
  it("SQS: a process span per message, the producer's as parent when the message carries it, logs in that trace", async () => {
    const { result, invocation, records, logs } = await run(sqsEvent(2), (record: { body: string }) => {
      console.log(`handling ${record.body}`);
    });
    expect(result).toEqual({ batchItemFailures: [] });
    expect(records.map((s) => [s.name, s.kind])).toEqual([
      ['process my-queue', SpanKind.CONSUMER],
      ['process my-queue', SpanKind.CONSUMER],
    ]);
    const [traced, untraced] = records;
    expect(traced!.spanContext().traceId).toBe(PRODUCER_TRACE);
    expect(traced!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(traced!.links.map((l) => l.context.spanId)).toEqual([invocation.spanContext().spanId]);
    expect(traced!.attributes).toMatchObject({
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'my-queue',
      'messaging.message.id': 'm0',
    });
    expect(untraced!.parentSpanContext?.spanId).toBe(invocation.spanContext().spanId);
    const log = (body: string) => logs.find((l) => l.body === body)!;
    expect(log('handling body 0').spanContext?.traceId).toBe(PRODUCER_TRACE);
    expect(log('handling body 0').spanContext?.spanId).toBe(traced!.spanContext().spanId);
    expect(log('handling body 1').spanContext?.spanId).toBe(untraced!.spanContext().spanId);
  });

  it('SQS standard: each failed message is reported and the others still run; the failure is on its span', async () => {
    const seen: number[] = [];
    const { result, invocation, records } = await run(sqsEvent(3), (_record, index) => {
      seen.push(index);
      if (index === 1) throw new RangeError('bad order');
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(records[1]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad order' });
    expect(records[1]!.attributes['error.type']).toBe('RangeError');
    expect(invocation.attributes['aws.lambda.batch_item_failures']).toBe(1);
  });

  it('a record error that throws when read (a Proxy whose get trap throws) is reported like any other', async () => {
    const hostile = new Proxy(new RangeError('hidden'), {
      get() {
        throw new Error('read me not');
      },
    });
    const { result, records } = await run(sqsEvent(2), (_record, index) => {
      if (index === 0) throw hostile;
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(records.map((span) => span.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
  });

  it('SQS FIFO: the first failure stops the batch and every later message is reported, in order', async () => {
    const seen: number[] = [];
    const { result } = await run(sqsEvent(4, 'arn:aws:sqs:us-east-2:123456789012:orders.fifo'), (_record, index) => {
      seen.push(index);
      if (index === 1) throw new Error('no');
    });
    expect(seen).toEqual([0, 1]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
  });

  it('Kinesis: stops at the first failure and reports its sequence number', async () => {
    const { result, records } = await run(loadEvent('kinesis'), () => {
      throw new Error('poison');
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '49590338271490256608559692538361571095921575989136588898' }] });
    expect(records).toHaveLength(1);
    expect(records[0]!.name).toBe('process lambda-stream');
  });

  it('DynamoDB Streams: spans per record with the operation, failures by sequence number', async () => {
    const { result, records } = await run(loadEvent('dynamodb-streams'), (record: { eventName: string }) => {
      if (record.eventName === 'REMOVE') throw new Error('cannot delete');
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '333' }] });
    expect(records.map((s) => s.attributes['faas.document.operation'])).toEqual(['insert', 'edit', 'delete']);
  });

  it('Kafka: parent from the traceparent header; a failure rejects the batch with every error after all records ran', async () => {
    const event = loadEvent('kafka-msk');
    const [record] = event.records['mytopic-0'];
    event.records['mytopic-0'].push({ ...record, offset: 16, headers: [{ traceparent: [...new TextEncoder().encode(PRODUCER)] }] });
    const seen: number[] = [];
    const { error, records } = await run(event, (r: { offset: number }) => {
      seen.push(r.offset);
      if (r.offset === 15) throw new Error('first fails');
    });
    expect(seen).toEqual([15, 16]);
    expect(error).toBeInstanceOf(AggregateError);
    expect(records[1]!.spanContext().traceId).toBe(PRODUCER_TRACE);
    expect(records[1]!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.kafka.offset': 16 });
  });

  it('a record that cannot be read (a Proxy whose reads throw) still runs, in a bare process span, and the batch result comes back', async () => {
    const event = sqsEvent(3);
    const hostile = new Proxy(event.Records[1]!, {
      get() {
        throw new Error('hostile record');
      },
    });
    event.Records[1] = hostile;
    const seen: unknown[] = [];
    const { result, records } = await run(event, (record: unknown, index) => {
      seen.push(record);
      if (index === 1) throw new Error('failed');
    });
    expect(seen).toHaveLength(3);
    expect(Object.is(seen[1], hostile)).toBe(true);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '' }] });
    expect(records.map((s) => s.name)).toEqual(['process my-queue', 'process', 'process my-queue']);
  });

  it('another event is refused with a TypeError', async () => {
    const { error } = await run(loadEvent('s3'), () => {});
    expect(error).toBeInstanceOf(TypeError);
  });
});

describe('forEachRecord reads its sources through the Lambda adapters (one description per source)', () => {
  it('takes exactly the sources whose adapter describes its records', () => {
    expect(LAMBDA_TRIGGERS.filter((trigger) => trigger.eachRecord).map((trigger) => trigger.name)).toEqual([
      'sqs',
      'kinesis',
      'dynamodb-streams',
      'kafka',
    ]);
  });

  it.each(['sqs', 'kinesis', 'dynamodb-streams', 'kafka-msk', 'kafka-self-managed'])(
    '%s: each record span carries the system and destination its adapter gives, as the batch span does',
    async (name) => {
      const event = loadEvent(name);
      const each = triggerFor(event).eachRecord!;
      const { invocation, records } = await run(event, () => {});
      const described = each.records(event);
      expect(records).toHaveLength(described.length);
      records.forEach((span, i) => {
        expect(span.attributes['messaging.system']).toBe(each.system);
        expect(span.attributes['messaging.destination.name']).toBe(each.destination(described[i]));
      });
      const batchDestination = invocation.attributes['messaging.destination.name'] ?? invocation.attributes['faas.document.collection'];
      expect(batchDestination).toBe(each.destination(described[0]));
    },
  );
});

describe('partial batch responses', () => {
  it.each(['sqs', 'kinesis', 'dynamodb-streams'])(
    '%s: the invocation span counts the failed records the handler returned (one onResult for the three)',
    async (name) => {
      const { result, invocation } = await run(loadEvent(name), (_record, index) => {
        if (index === 0) throw new Error('first fails');
      });
      expect((result as { batchItemFailures: unknown[] }).batchItemFailures).toHaveLength(1);
      expect(invocation.attributes['aws.lambda.batch_item_failures']).toBe(1);
      expect(triggerFor(loadEvent(name)).onResult).toBe(recordBatchItemFailures);
    },
  );
});
