import { httpSpanStart, queryFromParameters, recordHttpResult } from '../http.ts';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * API Gateway REST API (payload format 1.0).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
export const apiGatewayV1: MatchingTrigger = {
  name: 'api-gateway-v1',
  matches: (event) =>
    typeof pick(event, 'httpMethod') === 'string' &&
    typeof pick(event, 'requestContext', 'apiId') === 'string' &&
    pick(event, 'version') !== '2.0',
  spanStart: (event: unknown) =>
    httpSpanStart({
      method: pickString(event, 'httpMethod') ?? 'GET',
      route: pickString(event, 'resource'),
      path: pickString(event, 'path') ?? '/',
      query: queryFromParameters(pick(event, 'queryStringParameters'), pick(event, 'multiValueQueryStringParameters')),
      scheme: 'https',
      headers: pick(event, 'headers'),
      multiValueHeaders: pick(event, 'multiValueHeaders'),
      clientAddress: pickString(event, 'requestContext', 'identity', 'sourceIp'),
      protocol: pickString(event, 'requestContext', 'protocol'),
    }),
  onResult: (span, result) => recordHttpResult(span, result, false),
};
