import { createServer, type ServerResponse } from 'node:http';

/** A function's init held open until the test lets it go (see `startInitGate`). */
export interface InitGate {
  /** The URL the fixture's init requests (its FIXTURE_INIT_GATE). */
  readonly url: string;
  /** Resolves when a process's init reached the gate (so what the init did before it is done). */
  readonly reached: Promise<void>;
  /** Lets every waiting init go on, and every later one pass at once. */
  open(): void;
  close(): Promise<void>;
}

/**
 * A gate for the post-response fixture's init (FIXTURE_INIT_GATE): the init requests this URL and waits for
 * the answer. A test that must act during init (register an extension of its own before the runtime's first
 * /next closes registration) waits for `reached`, acts, then calls `open()`: no init that sleeps a fixed
 * time while the test hopes to be done by then, which a loaded machine breaks.
 *
 * @example
 * const gate = await startInitGate();
 * const invoked = lambda.invoke({}); // with env FIXTURE_INIT_GATE: gate.url
 * await gate.reached;
 * // … register during init …
 * gate.open();
 */
export async function startInitGate(): Promise<InitGate> {
  const held: ServerResponse[] = [];
  let opened = false;
  let arrived!: () => void;
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((request, response) => {
    request.resume();
    arrived();
    if (opened) response.end('open');
    else held.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    reached,
    open() {
      opened = true;
      for (const response of held.splice(0)) response.end('open');
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
