/**
 * The port of the mini-program platforms: what the service (src/services/mini-programs.ts)
 * may know of WeChat's and Alipay's clients — their types, and the codes and errors that
 * cross from them. The clients themselves are wired in src/app.ts.
 */
export type { AlipayApi } from './alipay.js';
export { ALIPAY_INVALID_CODE } from './alipay.js';
export { LOCAL_CODES, PlatformError } from './platform-call.js';
export { WECHAT_CODES, type WeChatApi } from './wechat.js';
