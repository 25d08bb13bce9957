import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { newSessionId, sha256Hex } from '../../src/services/secrets.js';

test('sha256Hex is SHA-256 of the UTF-8 text in hex, as the sessions already stored were hashed', () => {
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (const text of [newSessionId(), '', '张三 13800138000', '\u{1F600}']) {
    assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
  }
});
