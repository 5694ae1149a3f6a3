import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { startSignedOtlpReceiver, type SignedOtlpReceiver } from '../helpers/sigv4-receiver.ts';
import { waitFor } from './edge-assertions.ts';

describe('SigV4 on WebCrypto from a Worker in real workerd (miniflare) → a verifying loopback server', () => {
  let receiver: SignedOtlpReceiver;
  let mf: Miniflare;
  beforeAll(async () => {
    const { code } = await buildEdgeBundle('test/edge/fixtures/aws-worker.ts', '.cache/edge/aws-worker.mjs');
    receiver = await startSignedOtlpReceiver({ AKIDEDGE: 'edge-secret' });
    mf = new Miniflare({
      modules: true,
      script: code,
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      bindings: {
        AWS_ACCESS_KEY_ID: 'AKIDEDGE',
        AWS_SECRET_ACCESS_KEY: 'edge-secret',
        AWS_REGION: 'eu-central-1',
        SIGNED_OTLP_URL: receiver.url,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await mf?.dispose();
    await receiver?.close();
  });

  it('traces signed for xray and logs for logs, in the binding region, and both arrive', async () => {
    expect(await (await mf.dispatchFetch('http://worker.test/?id=1')).text()).toBe('ok');
    await waitFor(() => receiver.spans.length >= 1 && receiver.logs.length >= 1, 20_000);
    expect(receiver.checks.map((c) => c.verification)).toEqual(
      expect.arrayContaining([
        { ok: true, service: 'xray', region: 'eu-central-1' },
        { ok: true, service: 'logs', region: 'eu-central-1' },
      ]),
    );
    expect(receiver.checks.filter((c) => !c.verification.ok)).toEqual([]);
    expect(receiver.logs.map((l) => l.body)).toEqual(['signed from the edge 1']);
  }, 60_000);
});
