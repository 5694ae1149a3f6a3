// Outbound bench, no instrumentation: runs the requests as they are.
export const runner = async (requests: () => Promise<void>): Promise<void> => requests();
