import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../tools/loopback.ts';
import { onFreshPortsWhenTaken } from '../../tools/stack/process.ts';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('onFreshPortsWhenTaken (backends started on free ports beside another suite)', () => {
  it('starts again on a fresh port when the free port was taken before the bind', async () => {
    const taken = await freePort();
    const thief = await listen(taken);
    const tried: number[] = [];
    try {
      const server = await onFreshPortsWhenTaken(async () => {
        const port = tried.length === 0 ? taken : await freePort();
        tried.push(port);
        // The bind error as Node (and, in the same words, Go's net package) reports it.
        return listen(port);
      });
      server.close();
    } finally {
      thief.close();
    }
    expect(tried).toHaveLength(2);
    expect(tried[0]).toBe(taken);
    expect(tried[1]).not.toBe(taken);
  });

  it('gives up after its attempts with the last error, and never retries another failure', async () => {
    let calls = 0;
    const taken = () => {
      calls++;
      return Promise.reject(new Error('listen tcp 127.0.0.1:4318: bind: address already in use'));
    };
    await expect(onFreshPortsWhenTaken(taken, 3)).rejects.toThrow(/address already in use/);
    expect(calls).toBe(3);
    calls = 0;
    const broken = () => {
      calls++;
      return Promise.reject(new Error('loki exited (1) at start: invalid config'));
    };
    await expect(onFreshPortsWhenTaken(broken)).rejects.toThrow(/invalid config/);
    expect(calls).toBe(1);
  });
});
