// The official setup plus the official metrics stack a user would write (official-faas-meters.ts): the same
// instruments as ours records, the FaaS metrics (a warm invocation records what ours records, alike) and, with
// BENCH_METERS=user, the 10 user instruments of user-meters.ts besides them.
import { officialHandler, resource } from './official-handler.ts';
import { officialFaasMeters } from './official-faas-meters.ts';
import { userMeters } from './user-meters.ts';

export const handler = officialHandler(officialFaasMeters(resource, process.env.BENCH_METERS === 'user' ? userMeters : undefined));
