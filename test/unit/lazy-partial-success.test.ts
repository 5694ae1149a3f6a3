import { describe, expect, it } from 'vitest';
import { readPartialSuccessLazily } from '../../src/exporters/otlp/lazy-partial-success.ts';
import { sumPartialSuccess } from '../../src/exporters/otlp/partial-success.ts';
import { encodePartialSuccess } from '../../tools/otlp-decode.ts';

const PROTOBUF = 'application/x-protobuf';

describe('readPartialSuccessLazily', () => {
  it('reads what sumPartialSuccess reads, for answers with a body', async () => {
    const answers = [
      { body: encodePartialSuccess('traces', 3, 'too old'), contentType: PROTOBUF },
      undefined,
      { body: new Uint8Array(), contentType: PROTOBUF },
      {
        body: new TextEncoder().encode('{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"bad"}}'),
        contentType: 'application/json',
      },
    ];
    expect(await readPartialSuccessLazily(answers)).toEqual({ rejected: 5, errorMessage: 'too old; bad' });
    expect(await readPartialSuccessLazily(answers)).toEqual(sumPartialSuccess(answers));
  });

  it('answers without a body (a collector that kept everything) have no partial_success', async () => {
    const answers = [{ body: new Uint8Array(), contentType: PROTOBUF }, { contentType: PROTOBUF }, undefined];
    expect(await readPartialSuccessLazily(answers)).toBeUndefined();
    expect(sumPartialSuccess(answers)).toBeUndefined();
  });
});
