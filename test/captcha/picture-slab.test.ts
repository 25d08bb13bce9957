import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SLOTS, PictureSlab, SLOT_BYTES } from '../../src/captcha/picture-slab.js';

/** Writes `bytes` into `slot`, as a captcha thread does. */
function write(slab: PictureSlab, slot: number, bytes: Buffer): void {
  new Uint8Array(slab.memory).set(bytes, slot * SLOT_BYTES);
}

describe('the picture slab', () => {
  it('claims free slots for a batch, never more than it has, and takes them back one by one', () => {
    const slab = new PictureSlab(4);
    const first = slab.claim(3);
    assert.equal(first?.length, 3);
    assert.equal(new Set(first).size, 3);
    assert.equal(slab.claim(2), undefined, 'only one is free');
    assert.equal(slab.freeCount, 1, 'a refused claim takes nothing');
    slab.giveBack(first!);
    assert.equal(slab.freeCount, 4);
  });

  it("a picture's bytes are a copy of its own, and releasing it frees its slot once, however often it is called", () => {
    const slab = new PictureSlab(2);
    const [slot] = slab.claim(1)!;
    write(slab, slot!, Buffer.from('a jpeg'));
    const picture = slab.pictureAt(slot!, 6);
    const bytes = picture.bytes();
    assert.equal(bytes.toString(), 'a jpeg');
    write(slab, slot!, Buffer.from('drawn over'));
    assert.equal(bytes.toString(), 'a jpeg', 'the copy does not change with the slot');
    picture.release();
    picture.release();
    assert.equal(slab.freeCount, 2, 'given back once');
    assert.throws(() => picture.bytes(), /after it was released/);
  });

  it('reuses the slot released last first, so that a light load keeps to the same pages', () => {
    const slab = new PictureSlab(8);
    const [slot] = slab.claim(1)!;
    slab.pictureAt(slot!, 1).release();
    assert.deepEqual(slab.claim(1), [slot]);
  });

  it('never reserves more than MAX_SLOTS slots, whatever the settings ask for', () => {
    // CAPTCHA_POOL_SIZE and CAPTCHA_MAX_WAITING at their maximums.
    const slab = new PictureSlab(100_000 + 1_000_000 + 32);
    assert.equal(slab.freeCount, MAX_SLOTS);
    assert.equal(slab.memory.byteLength, MAX_SLOTS * SLOT_BYTES);
  });
});
