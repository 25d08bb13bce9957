import { imageCodeUrl, sendSmsCode, type SmsPurpose } from './api.js';
import { newCaptchaId } from './captcha-id.js';
import { ResendCountdown } from './countdown.js';
import { AltchaProof } from './altcha-widget.js';
import { byId, markBusy } from './dom.js';
import type { FormMessages } from './form-messages.js';
import { text } from './i18n.js';
import { showText } from './localize.js';
import { smsCodeFailure, type SmsCodeField } from './messages.js';
import { checkCaptcha, checkPhone, cleanPhone } from './validation.js';
import { maskPhone } from '../../src/shared/phone-format.js';

/** The server's resend window (contract §3); a longer one comes back as REQERR with Retry-After. */
const RESEND_SECONDS = 60;

/**
 * The captcha and the "获取验证码" button of a form that asks for an SMS code sent for
 * `purpose` (register, login, reset): the markup of web/partials/phone-code-fields.html
 * (#phone, #captcha, #captcha-image, #captcha-refresh, #altcha, #phone_code, #send-sms,
 * #sms-status, #change-phone, #resend-sms), one captcha one try, and the 60-second countdown.
 *
 * Two states (issue 16): the code step (phone, captcha, get-code button) until a code is
 * sent; then the "sent" row in its place ("验证码已发送至 138****5678"), whose "更换手机号"
 * and resend buttons bring the step back with a new picture.
 */
export class SmsCodeSender<Field extends string> {
  private captchaId = '';
  private readonly phone = byId('phone', HTMLInputElement);
  private readonly phoneField = byId('phone-field', HTMLElement);
  private readonly captcha = byId('captcha', HTMLInputElement);
  private readonly captchaImage = byId('captcha-image', HTMLImageElement);
  private readonly codeStep = byId('code-step', HTMLElement);
  private readonly smsCode = byId('phone_code', HTMLInputElement);
  private readonly sendButton = byId('send-sms', HTMLButtonElement);
  private readonly smsStatus = byId('sms-status', HTMLElement);
  private readonly sentActions = byId('sent-actions', HTMLElement);
  private readonly resendButton = byId('resend-sms', HTMLButtonElement);
  readonly countdown = new ResendCountdown(this.sendButton, this.resendButton);
  private readonly altcha = AltchaProof.of('altcha');
  /** The number the last code went to while the "sent" row shows; null during the code step. */
  private sentTo: string | null = null;

  constructor(
    private readonly purpose: SmsPurpose,
    /** A form whose fields include phone, captcha and phone_code. */
    private readonly messages: FormMessages<Field> & (SmsCodeField extends Field ? unknown : never),
  ) {
    this.captchaImage.addEventListener('error', () => {
      if (this.captchaImage.getAttribute('src') !== null)
        this.messages.show(() => ({ field: 'captcha' as Field, text: text().captchaImageFailed }));
    });
    this.captchaImage.addEventListener('load', () => {
      if (this.messages.currentText('captcha' as Field) === text().captchaImageFailed)
        this.messages.clear('captcha' as Field);
    });
    // The picture is clicked or tapped; the keyboard's way to a new one is "换一张", after the get-code button.
    this.captchaImage.addEventListener('click', () => this.newPicture());
    byId('captcha-refresh', HTMLButtonElement).addEventListener('click', () => {
      this.newPicture();
      this.captcha.focus();
    });
    this.phone.addEventListener('input', () => {
      if (this.countdown.phoneChanged(cleanPhone(this.phone.value))) showText(this.smsStatus, null);
    });
    // Enter in the captcha asks for the code, as "获取验证码" does; it never submits the form.
    this.captcha.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.isComposing) return;
      event.preventDefault();
      if (!this.sendButton.disabled) void this.send();
    });
    this.sendButton.addEventListener('click', () => void this.send());
    byId('change-phone', HTMLButtonElement).addEventListener('click', () => {
      this.backToStep();
      this.phone.focus();
      this.phone.select();
    });
    this.resendButton.addEventListener('click', () => {
      this.backToStep();
      this.captcha.focus();
    });
  }

  /** True while the "sent" row stands in place of the phone and the captcha. */
  get codeSent(): boolean {
    return this.sentTo !== null;
  }

  /**
   * Shows the state the sender is in: the phone and captcha step, or the "sent" row. The
   * login page calls it again when its SMS tab comes back (its password tab shows the phone).
   */
  showState(): void {
    const sent = this.sentTo !== null;
    this.phoneField.hidden = sent;
    this.codeStep.hidden = sent;
    this.sentActions.hidden = !sent;
    if (!sent) showText(this.smsStatus, null);
  }

  /**
   * What a submit without a code says when the get-code step was skipped (no code sent on
   * this page and none typed), under the captcha: null when the step is done.
   */
  stepMissing(typedCode: string): string | null {
    if (typedCode.trim() !== '' || this.sentTo !== null) return null;
    return this.needsCaptcha() ? text().codeStepMissing : text().codeStepPress;
  }

  /** After `stepMissing` was shown: the keyboard goes to what is to be done next. */
  focusStep(): void {
    if (this.needsCaptcha() || this.sendButton.disabled) {
      this.captcha.focus();
      return;
    }
    // The captcha is filled in (or the ALTCHA check ticked): only the button is left to press.
    this.captcha.removeAttribute('aria-invalid');
    this.sendButton.focus();
  }

  private needsCaptcha(): boolean {
    return this.altcha.solved() === null && this.captcha.value.trim() === '';
  }

  private newPicture(): void {
    this.messages.clear('captcha' as Field);
    this.drawCaptcha();
  }

  /** From the "sent" row back to the phone and captcha, with a new picture (the last one is spent). */
  private backToStep(): void {
    this.sentTo = null;
    this.showState();
    this.drawCaptcha();
  }

  /** Draws a new captcha, telling the server to forget the previous one. */
  drawCaptcha(): void {
    const previous = this.captchaId;
    this.captchaId = newCaptchaId();
    this.captcha.value = '';
    this.captchaImage.src = imageCodeUrl(this.captchaId, previous);
  }

  private async send(): Promise<void> {
    const messages = this.messages;
    messages.clear('form');
    messages.clear('captcha' as Field);
    showText(this.smsStatus, null);
    const typedPhone = this.phone.value;
    const typedCaptcha = this.captcha.value;
    // The ALTCHA check, when ticked, stands in for the image captcha (issue 12).
    const proof = this.altcha.solved();
    const ready = messages.check([
      ['phone' as Field, () => checkPhone(typedPhone)],
      ['captcha' as Field, () => (proof === null ? checkCaptcha(typedCaptcha) : null)],
    ]);
    if (!ready) return;

    const number = cleanPhone(typedPhone);
    const done = markBusy(this.sendButton, () => text().sendingCode);
    const result = await sendSmsCode(
      proof === null
        ? { phone: number, img_code_client: typedCaptcha.trim(), uuid: this.captchaId, purpose: this.purpose }
        : { phone: number, altcha: proof, purpose: this.purpose },
    );
    if (proof !== null) this.altcha.spent();
    done();

    if (result.kind === 'ok') {
      messages.clear('phone_code' as Field);
      messages.clear('phone' as Field);
      this.countdown.start(RESEND_SECONDS, number);
      // One captcha, one try: the step comes back, with a new picture, only for a resend or another number.
      this.sentTo = number;
      this.captcha.value = '';
      this.showState();
      showText(this.smsStatus, () => text().codeSentTo(maskPhone(number)));
      this.smsCode.focus();
      return;
    }
    const usedAltcha = proof !== null;
    const notice = smsCodeFailure(result, undefined, usedAltcha);
    if (notice.newCaptcha) this.drawCaptcha();
    if (notice.waitSeconds !== null) this.countdown.start(notice.waitSeconds, number);
    messages.show(() => {
      const again = smsCodeFailure(result, undefined, usedAltcha);
      return { ...again, field: again.field as Field };
    });
    if (notice.field === 'phone' || notice.field === 'captcha') messages.focus(notice.field as Field);
    else if (this.sendButton.disabled) this.smsCode.focus();
    else this.sendButton.focus();
  }
}
