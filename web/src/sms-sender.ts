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

/** The server's resend window (contract §3); a longer one comes back as REQERR with Retry-After. */
const RESEND_SECONDS = 60;

/**
 * The captcha and the "获取验证码" button of a form that asks for an SMS code sent for
 * `purpose` (register, login, reset): the markup of web/partials/phone-code-fields.html
 * (#phone, #captcha, #captcha-image, #captcha-refresh, #altcha, #phone_code, #send-sms,
 * #sms-status), one captcha one try, and the 60-second countdown.
 */
export class SmsCodeSender<Field extends string> {
  private captchaId = '';
  private readonly phone = byId('phone', HTMLInputElement);
  private readonly captcha = byId('captcha', HTMLInputElement);
  private readonly captchaImage = byId('captcha-image', HTMLImageElement);
  private readonly smsCode = byId('phone_code', HTMLInputElement);
  private readonly sendButton = byId('send-sms', HTMLButtonElement);
  private readonly smsStatus = byId('sms-status', HTMLElement);
  readonly countdown = new ResendCountdown(this.sendButton);
  private readonly altcha = AltchaProof.of('altcha');

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
    byId('captcha-refresh', HTMLButtonElement).addEventListener('click', () => {
      this.messages.clear('captcha' as Field);
      this.drawCaptcha();
    });
    this.phone.addEventListener('input', () => {
      if (this.countdown.phoneChanged(cleanPhone(this.phone.value))) showText(this.smsStatus, null);
    });
    this.sendButton.addEventListener('click', () => void this.send());
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
      this.countdown.start(RESEND_SECONDS, number);
      showText(this.smsStatus, () => text().codeSentTo(number));
      this.drawCaptcha(); // one captcha, one try: a resend needs a new one
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
