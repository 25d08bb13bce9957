import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  inputMaxLength,
  PROFILE_FIELDS,
  profileBodySchema,
  readProfileField,
  sentMaxLength,
  type ProfileFields,
} from '../../src/shared/profile-fields.js';
import { text } from '../../web/src/i18n.js';

/** The definition as a later change might leave it: a limit moved, a field added. */
const CHANGED: ProfileFields = {
  ...PROFILE_FIELDS,
  name: { ...PROFILE_FIELDS.name, maxLength: 40 },
  age: { ...PROFILE_FIELDS.age, max: 1200 },
  city: { kind: 'text', maxLength: 20, clearable: true, setBy: 'everyone' },
};

describe('the profile fields, defined once', () => {
  it('the body schema of PUT /users has a bounded string per field, and follows a changed limit or a new field', () => {
    const today = profileBodySchema(PROFILE_FIELDS);
    assert.deepEqual(Object.keys(today.properties), Object.keys(PROFILE_FIELDS));
    for (const [name, field] of Object.entries(PROFILE_FIELDS)) {
      assert.equal(today.properties[name]?.type, 'string', name);
      assert.equal(today.properties[name]?.maxLength, sentMaxLength(field), name);
    }

    const changed = profileBodySchema(CHANGED);
    assert.equal(changed.properties.name?.maxLength, 80, 'room for spaces around 40 characters');
    assert.equal(changed.properties.age?.maxLength, 4, 'as many digits as 1200');
    assert.equal(changed.properties.city?.maxLength, 40);
    assert.match(changed.properties.age?.description ?? '', /0–1200/);
  });

  it('a form input takes the field’s own limit: characters for text, digits for a number, none for a choice', () => {
    assert.equal(inputMaxLength(CHANGED.name!), 40);
    assert.equal(inputMaxLength(CHANGED.age!), 4);
    assert.equal(inputMaxLength(CHANGED.city!), 20);
    assert.equal(inputMaxLength(PROFILE_FIELDS.grade), null);
  });

  it('text is trimmed and counted in characters; only a clearable field may be emptied', () => {
    const { name, address } = PROFILE_FIELDS;
    const longest = '名'.repeat(name.maxLength);
    assert.deepEqual(readProfileField(name, ` ${longest} `), { ok: true, value: longest });
    assert.deepEqual(readProfileField(name, `${longest}名`), { ok: false, problem: 'tooLong' });
    assert.deepEqual(readProfileField(name, '   '), { ok: false, problem: 'missing' });
    assert.deepEqual(readProfileField(address, '   '), { ok: true, value: null });
    assert.deepEqual(readProfileField(CHANGED.name!, '名'.repeat(40)), { ok: true, value: '名'.repeat(40) });
  });

  it('a whole number is digits within its bounds, stored as a number; a choice is one of its words', () => {
    const { age, grade } = PROFILE_FIELDS;
    assert.deepEqual(readProfileField(age, String(age.max)), { ok: true, value: age.max });
    assert.deepEqual(readProfileField(age, String(age.max + 1)), { ok: false, problem: 'invalid' });
    for (const sent of ['3.5', '-1', ' 35', '1e2']) {
      assert.deepEqual(readProfileField(age, sent), { ok: false, problem: 'invalid' }, sent);
    }
    assert.deepEqual(readProfileField(age, ''), { ok: true, value: null });
    assert.deepEqual(readProfileField(CHANGED.age!, '1200'), { ok: true, value: 1200 });
    for (const choice of grade.choices)
      assert.deepEqual(readProfileField(grade, choice), { ok: true, value: choice });
    assert.deepEqual(readProfileField(grade, 'intern'), { ok: false, problem: 'invalid' });
  });

  it('the account page’s words give the limits the definition has', () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const words = text(language);
      assert.ok(words.nameTooLong.includes(String(PROFILE_FIELDS.name.maxLength)), `${language} name`);
      assert.ok(
        words.addressTooLong.includes(String(PROFILE_FIELDS.address.maxLength)),
        `${language} address`,
      );
      assert.ok(words.majorTooLong.includes(String(PROFILE_FIELDS.major.maxLength)), `${language} major`);
      for (const entry of [words.ageInvalid, words.ageHint]) {
        assert.ok(
          entry.includes(String(PROFILE_FIELDS.age.min)) && entry.includes(String(PROFILE_FIELDS.age.max)),
        );
      }
    }
  });
});
