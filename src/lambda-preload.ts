// `NODE_OPTIONS=--import faas-observability/lambda/preload`: registers the internal Lambda extension before
// the runtime loads the handler, so the post-response flush is on from the first invocation whatever the
// handler's module format (docs/how-it-works.md, "The flush after the response").
import { startPostResponseFlush } from './lambda/post-response-flush.ts';

await startPostResponseFlush(process.env);
