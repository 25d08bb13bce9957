import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseMainlandPhone, PhoneRules } from '../../src/services/phone.js';

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

  it('PHONE_REGIONS=CN is the contract rule and nothing more', () => {
    const rules = new PhoneRules(['CN']);
    assert.equal(rules.normalise('+8613812345678'), '13812345678');
    assert.equal(rules.normalise('+85261234567'), null);
  });

  it('other regions are validated as mobile numbers and kept in E.164', () => {
    const rules = new PhoneRules(['CN', 'HK', 'US']);
    assert.equal(rules.normalise('13812345678'), '13812345678', 'mainland numbers keep the contract form');
    assert.equal(rules.normalise('+85261234567'), '+85261234567');
    assert.equal(rules.normalise('+14155550100'), '+14155550100');
    assert.equal(rules.normalise('+85221234567'), null, 'a Hong Kong landline gets no SMS');
    assert.equal(rules.normalise('+447700900123'), null, 'a region not allowed');
    assert.equal(rules.normalise('85261234567'), null, 'international numbers need their +');
    assert.equal(new PhoneRules(['HK']).normalise('13812345678'), null, 'a deployment without CN');
  });
});
