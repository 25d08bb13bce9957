import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzzEndpoints } from './endpoints.js';

describe('generated requests at every endpoint', () => {
  it('never get a 5xx, always get {re_code, msg} JSON or the image, and refused input changes nothing', async () => {
    const ran = await fuzzEndpoints(300);
    assert.equal(ran >= 300, true);
  });
});
