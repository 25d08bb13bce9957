import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { altchaDifficulty, counterRange } from '../../src/services/altcha.js';

const calm = { smsFromAddressLastHour: 0, challengesFromAddressRecently: 1, budgetSpentShare: 0 };
const level = (inputs: Partial<typeof calm>, maxLevel = 8) =>
  altchaDifficulty({ ...calm, ...inputs }, maxLevel);

describe('ALTCHA difficulty', () => {
  it('a person with a code or two from their address, early in the hour, gets the base level', () => {
    assert.equal(level({}), 0);
    assert.equal(level({ smsFromAddressLastHour: 1, challengesFromAddressRecently: 4 }), 0);
  });

  it('rises by one for each doubling of the SMS sent from the address', () => {
    const levels = [0, 2, 6, 14, 30, 62].map((sms) => level({ smsFromAddressLastHour: sms }));
    assert.deepEqual(levels, [0, 1, 2, 3, 4, 5]);
    for (let sms = 0; sms < 200; sms++) {
      assert.ok(level({ smsFromAddressLastHour: sms + 1 }) >= level({ smsFromAddressLastHour: sms }));
    }
  });

  it('rises with challenges fetched past the free few, a quarter as fast as with SMS sent', () => {
    assert.equal(level({ challengesFromAddressRecently: 4 }), 0);
    assert.equal(level({ challengesFromAddressRecently: 12 }), 1);
    assert.equal(level({ challengesFromAddressRecently: 4 + 4 * 6 }), 2);
  });

  it('rises with the share of the global budget spent: from half of it, one level per eighth', () => {
    const levels = [0, 0.49, 0.5, 0.625, 0.75, 0.875, 1, 3].map((share) =>
      level({ budgetSpentShare: share }),
    );
    assert.deepEqual(levels, [0, 0, 1, 2, 3, 4, 5, 5]);
  });

  it('adds the two and stops at the hardest level', () => {
    assert.equal(level({ smsFromAddressLastHour: 6, budgetSpentShare: 0.75 }), 5);
    assert.equal(level({ smsFromAddressLastHour: 10_000, budgetSpentShare: 1 }), 8);
    assert.equal(level({ smsFromAddressLastHour: 10_000 }, 3), 3);
  });

  it('the work of a level is uniform around baseWork × 2^level, within ½ and 1½ of it', () => {
    assert.deepEqual(counterRange(0, 100), { min: 50, max: 150 });
    assert.deepEqual(counterRange(3, 100), { min: 400, max: 1200 });
    assert.deepEqual(counterRange(0, 1), { min: 1, max: 2 });
  });
});
