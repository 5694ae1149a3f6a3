// The redaction bench's console lines (bench/redaction.ts): one shape per run, BENCH_LINE, written BENCH_LINES
// times per invocation so the per-line cost dominates what the invocation costs besides. The same calls in every
// variant; the peers' log record beside a line is theirs to write (redaction-official.ts).

/** An API Gateway HTTP API (payload 2.0) event as a handler receives it, credentials in its headers (~2 KB). */
export const API_EVENT = {
  version: '2.0',
  routeKey: 'POST /orders/{id}/items',
  rawPath: '/orders/42/items',
  rawQueryString: 'dryRun=true&source=web',
  cookies: ['session=4f9c2a7e1b8d4e6f9a0c3b5d7e9f1a2c', 'csrf_token=Zm9vYmFyYmF6cXV4MTIzNDU2', 'theme=dark'],
  headers: {
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate, br',
    'accept-language': 'en-GB,en;q=0.9',
    // The example token of RFC 7519's companion site: a JWT in the shape real ones have.
    authorization:
      'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    'content-length': '21',
    'content-type': 'application/json',
    host: 'r3pmxmplak.execute-api.eu-west-1.amazonaws.com',
    origin: 'https://shop.example.com',
    referer: 'https://shop.example.com/cart',
    'sec-ch-ua': '"Not/A)Brand";v="8", "Chromium";v="126", "Google Chrome";v="126"',
    'sec-fetch-mode': 'cors',
    'sec-fetch-site': 'same-site',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
    'x-api-key': 'k3y-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    'x-forwarded-for': '198.51.100.23',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    'x-request-id': '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  },
  queryStringParameters: { dryRun: 'true', source: 'web' },
  pathParameters: { id: '42' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'r3pmxmplak',
    domainName: 'r3pmxmplak.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'r3pmxmplak',
    http: { method: 'POST', path: '/orders/42/items', protocol: 'HTTP/1.1', sourceIp: '198.51.100.23', userAgent: 'Mozilla/5.0' },
    requestId: 'JKJaXmPLvHcESHA=',
    routeKey: 'POST /orders/{id}/items',
    stage: '$default',
    time: '24/Nov/2026:13:31:00 +0000',
    timeEpoch: 1795527060000,
  },
  body: '{"sku":"A-1","qty":2}',
  isBase64Encoded: false,
};

const LOGIN = { user: 'bob', password: 'correct horse battery staple', remember: true, client: 'web-2.4.1', locale: 'en-GB' };
// One Error for every call: V8 formats its stack once, so the figure is the logging, not `new Error`.
const FAILURE = new Error(
  'upstream 401 for GET https://api.example.com/v1/orders with Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0.Xk2',
);

/** The shapes, each one console call; `none` writes nothing (what the invocation costs without lines). */
export const SHAPES = {
  none: () => {},
  text: () => console.log('order 7 shipped'),
  object: () => console.log('order', { id: 7, total: 12.5, items: ['a', 'b'] }),
  event: () => console.log(API_EVENT),
  login: () => console.log(JSON.stringify(LOGIN)),
  // console.log, not console.error: stderr is the bench's own channel, and every line goes to /dev/null alike.
  error: () => console.log(FAILURE),
} as const;
export type Shape = keyof typeof SHAPES;

export const shape = (process.env.BENCH_LINE ?? 'text') as Shape;
export const linesPerInvocation = Number(process.env.BENCH_LINES ?? 50);

/** One invocation's lines. */
export function writeLines(): void {
  const line = SHAPES[shape];
  for (let n = 0; n < linesPerInvocation; n++) line();
}
