import { httpSpanStart, queryFromParameters, recordHttpResult } from '../http.ts';
import { normalizeHeaders } from '../../core/propagation.ts';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * Application Load Balancer target (single- or multi-value headers).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
export const alb: MatchingTrigger = {
  name: 'alb',
  matches: (event) => typeof pick(event, 'requestContext', 'elb', 'targetGroupArn') === 'string',
  spanStart: (event: unknown) => {
    const headers = normalizeHeaders(pick(event, 'multiValueHeaders'), pick(event, 'headers'));
    return httpSpanStart({
      method: pickString(event, 'httpMethod') ?? 'GET',
      path: pickString(event, 'path') ?? '/',
      query: queryFromParameters(pick(event, 'queryStringParameters'), pick(event, 'multiValueQueryStringParameters')),
      scheme: headers['x-forwarded-proto'] ?? 'http',
      headers,
      clientAddress: headers['x-forwarded-for']?.split(',')[0]?.trim(),
    });
  },
  onResult: (span, result) => recordHttpResult(span, result, false),
};
