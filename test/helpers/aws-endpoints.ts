// Loopback SQS and SNS endpoints that answer as the services do for the calls the tests make: SQS over
// AWS JSON 1.0 (`x-amz-target: AmazonSQS.<Operation>`), SNS over the Query protocol (form body, XML answer),
// with the MD5 digests the SDK checks and a request id in `x-amzn-RequestId`.
import { createHash, randomUUID } from 'node:crypto';
import { startLoopbackServer, type LoopbackAnswer, type LoopbackRequest, type LoopbackServer } from '../../tools/loopback.ts';

export interface SentMessage {
  readonly destination: string;
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, { DataType: string; StringValue?: string }>;
}

export interface AwsEndpoint extends LoopbackServer {
  readonly messages: SentMessage[];
}

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

/** SQS's MD5OfMessageAttributes: names sorted; length-prefixed name, type, transport byte (1: string), value. */
function attributesMd5(attributes: SentMessage['attributes']): string {
  const parts: Buffer[] = [];
  const prefixed = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    prefixed(name);
    prefixed(attributes[name]!.DataType);
    parts.push(Buffer.from([1]));
    prefixed(attributes[name]!.StringValue ?? '');
  }
  return md5(Buffer.concat(parts));
}

function sqsAnswer(request: LoopbackRequest, messages: SentMessage[]): LoopbackAnswer {
  const operation = String(request.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
  const input = JSON.parse(request.body.toString('utf8')) as Record<string, any>;
  const json = (status: number, body: unknown, extra: Record<string, string> = {}): LoopbackAnswer => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...extra },
    body: JSON.stringify(body),
  });
  if (String(input.QueueUrl).endsWith('/missing')) {
    return json(
      400,
      { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' },
      { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
    );
  }
  const keep = (message: Record<string, any>) => {
    const sent = {
      destination: input.QueueUrl,
      messageId: randomUUID(),
      body: message.MessageBody,
      attributes: message.MessageAttributes ?? {},
    };
    messages.push(sent);
    return { MessageId: sent.messageId, MD5OfMessageBody: md5(sent.body), MD5OfMessageAttributes: attributesMd5(sent.attributes) };
  };
  if (operation === 'SendMessage') return json(200, keep(input));
  if (operation === 'SendMessageBatch') {
    return json(200, {
      Successful: (input.Entries as Record<string, any>[]).map((entry) => ({ Id: entry.Id, ...keep(entry) })),
      Failed: [],
    });
  }
  return json(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `not answered here: ${operation}` });
}

/** SNS Query-protocol message attributes: `<prefix>.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`. */
function queryAttributes(form: URLSearchParams, prefix: string): SentMessage['attributes'] {
  const attributes: SentMessage['attributes'] = {};
  for (let n = 1; form.has(`${prefix}.entry.${n}.Name`); n++) {
    attributes[form.get(`${prefix}.entry.${n}.Name`)!] = {
      DataType: form.get(`${prefix}.entry.${n}.Value.DataType`) ?? 'String',
      StringValue: form.get(`${prefix}.entry.${n}.Value.StringValue`) ?? undefined,
    };
  }
  return attributes;
}

function snsAnswer(request: LoopbackRequest, messages: SentMessage[]): LoopbackAnswer {
  const form = new URLSearchParams(request.body.toString('utf8'));
  const requestId = randomUUID();
  const xml = (action: string, result: string): LoopbackAnswer => ({
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  });
  const keep = (body: string, attributes: SentMessage['attributes']) => {
    const sent = { destination: form.get('TopicArn') ?? '', messageId: randomUUID(), body, attributes };
    messages.push(sent);
    return sent.messageId;
  };
  if (form.get('Action') === 'Publish') {
    return xml('Publish', `<MessageId>${keep(form.get('Message') ?? '', queryAttributes(form, 'MessageAttributes'))}</MessageId>`);
  }
  if (form.get('Action') === 'PublishBatch') {
    const members: string[] = [];
    for (let n = 1; form.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
      const entry = `PublishBatchRequestEntries.member.${n}`;
      const id = keep(form.get(`${entry}.Message`) ?? '', queryAttributes(form, `${entry}.MessageAttributes`));
      members.push(`<member><Id>${form.get(`${entry}.Id`)}</Id><MessageId>${id}</MessageId></member>`);
    }
    return xml('PublishBatch', `<Successful>${members.join('')}</Successful><Failed/>`);
  }
  return { status: 400, body: 'not answered here' };
}

/** A loopback endpoint answering as SQS (`service: 'sqs'`) or SNS (`'sns'`); `messages` is what was sent. */
export async function startAwsEndpoint(service: 'sqs' | 'sns'): Promise<AwsEndpoint> {
  const messages: SentMessage[] = [];
  const server = await startLoopbackServer({
    handle: (request) => (service === 'sqs' ? sqsAnswer(request, messages) : snsAnswer(request, messages)),
  });
  return Object.assign(server, { messages });
}

/** The SQS event Lambda would deliver for `messages` (the shape of test/fixtures/events/sqs.json). */
export function sqsEventFrom(messages: readonly SentMessage[], queueArn = 'arn:aws:sqs:eu-west-1:123456789012:orders'): unknown {
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId,
      receiptHandle: `AQEB${message.messageId}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { stringValue: value.StringValue, stringListValues: [], binaryListValues: [], dataType: value.DataType },
        ]),
      ),
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'eu-west-1',
    })),
  };
}
