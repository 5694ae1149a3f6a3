// The plain official setup (official-handler.ts): traces and logs, no metrics.
import { officialHandler } from './official-handler.ts';

export const handler = officialHandler();
