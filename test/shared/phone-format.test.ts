import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPhone, toE164 } from '../../src/shared/phone-format.js';

describe('stored phone numbers written for others', () => {
  it('are masked for logs', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
    assert.equal(maskPhone('+85261234567'), '+852****4567');
    assert.equal(maskPhone('12345'), '****', 'too short to show any of it');
  });

  it('have one E.164 form for providers', () => {
    assert.equal(toE164('13812345678'), '+8613812345678');
    assert.equal(toE164('+85261234567'), '+85261234567');
  });
});
