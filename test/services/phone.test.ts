import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPhone, normaliseMainlandPhone } from '../../src/services/phone.js';

describe('mainland mobile numbers', () => {
  it('accept 1[3-9] followed by nine digits, with +86 or 86 taken off', () => {
    for (const [text, phone] of [
      ['13812345678', '13812345678'],
      ['19912345678', '19912345678'],
      ['+8613812345678', '13812345678'],
      ['8613812345678', '13812345678'],
    ] as const) {
      assert.equal(normaliseMainlandPhone(text), phone);
    }
  });

  it('refuse everything else', () => {
    for (const text of [
      '12812345678',
      '1381234567',
      '138123456789',
      '+86 13812345678',
      '0086138123456',
      ' 13812345678',
      '13812345678\n',
      '',
    ]) {
      assert.equal(normaliseMainlandPhone(text), null, JSON.stringify(text));
    }
  });

  it('are masked for logs', () => {
    assert.equal(maskPhone('13812345678'), '138****5678');
  });
});
