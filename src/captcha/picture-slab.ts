import type { Picture } from './captcha-renderer.js';

/** The most bytes of one picture in the slab: the captchas are drawn to stay under 6 KB. */
export const SLOT_BYTES = 6144;

/**
 * The most slots a slab has (192 MB of address space, resident only as used), whatever it is
 * asked for: CAPTCHA_POOL_SIZE and CAPTCHA_MAX_WAITING at their maximums would ask for
 * 6.6 GB. Pictures beyond it cross as strings.
 */
export const MAX_SLOTS = 32_768;

/**
 * Memory shared with the drawing threads, cut into slots of SLOT_BYTES, each holding one
 * picture from its drawing until a request is answered with it (ThreadedCaptchaRenderer).
 * A thread writes a JPEG straight into the slot it was given, so a picture crosses to the
 * event loop as its length alone, and waits there off V8's heap. Slots are claimed for a
 * batch before it is drawn and given back one by one as the pictures are released; the
 * most recently given back is claimed first, so that under a light load the same few pages
 * are reused. Capacity is fixed when the slab is made; pages are only resident once used.
 */
export class PictureSlab {
  readonly memory: SharedArrayBuffer;
  private readonly view: Buffer;
  /** Free slots, the next to claim last. */
  private readonly free: number[];

  constructor(asked: number) {
    const slots = Math.min(Math.max(0, Math.floor(asked)), MAX_SLOTS);
    this.memory = new SharedArrayBuffer(slots * SLOT_BYTES);
    this.view = Buffer.from(this.memory);
    this.free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  }

  /** Free slots now. */
  get freeCount(): number {
    return this.free.length;
  }

  /** `count` free slots, now claimed; undefined (nothing claimed) when fewer are free. */
  claim(count: number): number[] | undefined {
    if (count > this.free.length) return undefined;
    return this.free.splice(this.free.length - count, count).reverse();
  }

  /** Gives back slots claimed for a batch that was never drawn. */
  giveBack(slots: readonly number[]): void {
    for (let i = slots.length - 1; i >= 0; i--) this.free.push(slots[i]!);
  }

  /** The picture a thread wrote into `slot` (`length` bytes); it holds the slot until released. */
  pictureAt(slot: number, length: number): Picture {
    return new SlabPicture(this, this.view, slot, length);
  }

  /** @internal */
  returnSlot(slot: number): void {
    this.free.push(slot);
  }
}

class SlabPicture implements Picture {
  private released = false;

  constructor(
    private readonly slab: PictureSlab,
    private readonly view: Buffer,
    private readonly slot: number,
    private readonly length: number,
  ) {}

  bytes(): Buffer {
    if (this.released) throw new Error('a picture was read after it was released');
    const start = this.slot * SLOT_BYTES;
    return Buffer.from(this.view.subarray(start, start + this.length));
  }

  release(): void {
    // Once only: a slot given back twice would be claimed for two pictures at once.
    if (this.released) return;
    this.released = true;
    this.slab.returnSlot(this.slot);
  }
}
