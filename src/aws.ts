// The opt-in AWS entry point (`faas-observability/aws`): only re-exports. Bundles that do not import it
// carry none of it.
export { awsOtlp, awsRequestSigner, type AwsCredentials, type AwsOtlpSettings, type CredentialSource } from './aws/aws-otlp.ts';
export type { PostRequest, RequestSigner } from './exporters/transport/transport.ts';
export { observeAwsClient, type AwsClientLike } from './aws/aws-client.ts';
