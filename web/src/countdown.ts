import { text } from './i18n.js';
import { showText } from './localize.js';
import { formatWait } from './messages.js';

/**
 * The "获取验证码" button's wait after a code was sent (or the server said when to try
 * again): disabled, counting down to a deadline (so a throttled background tab still
 * ends on time), then enabled as "重新获取验证码". The wait belongs to one phone: a
 * person who corrects the number may send to the new one at once. The words follow the
 * page's language, switched mid-count or not. Several buttons may show the one wait: the
 * get-code button of the captcha step and the resend button of the "sent" row (issue 16).
 */
export class ResendCountdown {
  private deadline = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private phone: string | null = null;

  private readonly buttons: readonly HTMLButtonElement[];

  constructor(...buttons: HTMLButtonElement[]) {
    this.buttons = buttons;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(seconds: number, phone: string): void {
    this.stop();
    this.phone = phone;
    this.deadline = Date.now() + seconds * 1000;
    for (const button of this.buttons) button.disabled = true;
    this.timer = setInterval(() => this.tick(), 250);
    this.tick();
  }

  /** Ends the wait early when the person is now asking for another phone; true when it did. */
  phoneChanged(phone: string): boolean {
    if (!this.running || phone === this.phone) return false;
    this.finish();
    return true;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const left = Math.ceil((this.deadline - Date.now()) / 1000);
    if (left <= 0) {
      this.finish();
      return;
    }
    // "60 秒后重新获取" / "Resend in 60 s": the short form, so that the button keeps its width.
    for (const button of this.buttons) showText(button, () => text().resendIn(formatWait(left, 'short')));
  }

  private finish(): void {
    this.stop();
    const sentBefore = this.phone !== null;
    for (const button of this.buttons) {
      button.disabled = false;
      showText(button, () => (sentBefore ? text().sendCodeAgain : text().sendCode));
    }
  }
}
