import { SpanKind } from '@opentelemetry/api';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * Amazon Cognito user pool triggers: `other`, span named after the trigger source (`PreSignUp_SignUp`,
 * `TokenGeneration_HostedAuth`), with the user pool id. The user name and attributes are personal data and
 * are not recorded.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
 */
export const cognito: MatchingTrigger = {
  name: 'cognito',
  matches: (event) =>
    typeof pick(event, 'triggerSource') === 'string' &&
    typeof pick(event, 'userPoolId') === 'string' &&
    pick(event, 'request') !== undefined,
  spanStart: (event: unknown) => {
    const source = pickString(event, 'triggerSource')!;
    return {
      name: `Cognito ${source}`,
      kind: SpanKind.SERVER,
      attributes: {
        'faas.trigger': 'other',
        'aws.cognito.trigger_source': source,
        'aws.cognito.user_pool_id': pickString(event, 'userPoolId')!,
        ...(pickString(event, 'callerContext', 'clientId')
          ? { 'aws.cognito.client_id': pickString(event, 'callerContext', 'clientId') }
          : {}),
      },
    };
  },
};
