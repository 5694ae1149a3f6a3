export { observeAwsClient, type AwsClientLike } from './core/outbound/aws-client.ts';
