import { httpSpanStart, recordHttpResult } from '../http.ts';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/** Payload format 2.0, shared by API Gateway HTTP APIs and Function URLs. */
function isV2(event: unknown): boolean {
  return pick(event, 'version') === '2.0' && typeof pick(event, 'requestContext', 'http', 'method') === 'string';
}

function isFunctionUrl(event: unknown): boolean {
  return (pickString(event, 'requestContext', 'domainName') ?? '').includes('.lambda-url.');
}

function v2SpanStart(event: unknown, route: string | undefined) {
  return httpSpanStart({
    method: pickString(event, 'requestContext', 'http', 'method') ?? 'GET',
    route,
    path: pickString(event, 'rawPath') ?? pickString(event, 'requestContext', 'http', 'path') ?? '/',
    query: pickString(event, 'rawQueryString') || undefined,
    scheme: 'https',
    headers: pick(event, 'headers'),
    clientAddress: pickString(event, 'requestContext', 'http', 'sourceIp'),
    protocol: pickString(event, 'requestContext', 'http', 'protocol'),
  });
}

/** `GET /pets/{id}` → `/pets/{id}`; `$default` and `ANY /{proxy+}`-style catch-alls keep their template. */
function routeFromRouteKey(routeKey: string | undefined): string | undefined {
  if (!routeKey || routeKey === '$default') return undefined;
  const space = routeKey.indexOf(' ');
  return space === -1 ? routeKey : routeKey.slice(space + 1);
}

/**
 * API Gateway HTTP API (payload format 2.0).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export const apiGatewayV2: MatchingTrigger = {
  name: 'api-gateway-v2',
  matches: (event) => isV2(event) && !isFunctionUrl(event),
  spanStart: (event: unknown) => v2SpanStart(event, routeFromRouteKey(pickString(event, 'routeKey'))),
  onResult: (span, result) => recordHttpResult(span, result, true),
};

/**
 * Lambda Function URL (payload format 2.0, no routes).
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads
 */
export const functionUrl: MatchingTrigger = {
  name: 'function-url',
  matches: (event) => isV2(event) && isFunctionUrl(event),
  spanStart: (event: unknown) => v2SpanStart(event, undefined),
  onResult: (span, result) => recordHttpResult(span, result, true),
};
