import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { LinkStore, UserStore } from '../db/user-store.js';
import type { AccountType, LinkIdentity, LinkProvider, User } from './users.js';
import {
  ALIPAY_INVALID_CODE,
  LOCAL_CODES,
  PlatformError,
  WECHAT_CODES,
  type AlipayApi,
  type WeChatApi,
} from '../mini-programs/platforms.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { AccountService, LoggedInAs } from './accounts.js';
import type { AuditService } from './audit.js';
import type { PhoneRules } from './phone.js';
import type { RateLimits } from './rate-limits.js';
import type { ClientInfo } from './sessions.js';

/** Renew an access token this long before WeChat's end for it (it stays valid meanwhile). */
const RENEW_MARGIN_MS = 5 * 60_000;
const POLL_MS = 25;

/**
 * WeChat's access token, one for every instance: kept in the key-value store until it
 * expires, renewed ahead of that by whichever instance holds the renewal lock while the
 * others go on using the current one. When WeChat calls a token invalid (40001/42001) it
 * is renewed once, forcibly, by one instance; the others wait for that one's result.
 */
export class WeChatAccessTokens {
  private readonly key: string;
  private readonly lockKey: string;

  constructor(
    private readonly store: KeyValueStore,
    private readonly api: WeChatApi,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.key = `wechat:access-token:${api.settings.appId}`;
    this.lockKey = `${this.key}:renewing`;
  }

  async current(): Promise<string> {
    const cached = await this.read();
    if (cached !== null && this.clock.now() < cached.renewAt) return cached.token;
    // Due for renewal but still valid: the others keep using it while one renews.
    return this.renew(null, false);
  }

  /** A token other than `invalid` (which WeChat refused), renewed with force_refresh. */
  renewAfterRefusal(invalid: string): Promise<string> {
    return this.renew(invalid, true);
  }

  private async renew(invalid: string | null, force: boolean): Promise<string> {
    const giveUpAt = Date.now() + this.timeoutMs;
    for (;;) {
      const holder = randomUUID();
      if (await this.store.setIfAbsent(this.lockKey, holder, this.timeoutMs + 1000)) {
        try {
          // Another instance may have renewed between the read and the lock.
          const cached = await this.read();
          if (cached !== null && cached.token !== invalid && this.clock.now() < cached.renewAt)
            return cached.token;
          const { token, expiresIn } = await this.api.stableToken(force);
          const lifeMs = expiresIn * 1000;
          const renewAt = this.clock.now() + Math.max(lifeMs - RENEW_MARGIN_MS, lifeMs / 2);
          await this.store.set(this.key, JSON.stringify({ token, renewAt }), lifeMs);
          return token;
        } finally {
          await this.store.deleteIfEquals(this.lockKey, holder);
        }
      }
      const cached = await this.read();
      if (cached !== null && cached.token !== invalid) return cached.token;
      if (Date.now() >= giveUpAt)
        throw new PlatformError('wechat', LOCAL_CODES.timeout, 'no access token in time', []);
      await sleep(POLL_MS);
    }
  }

  private async read(): Promise<{ token: string; renewAt: number } | null> {
    const raw = await this.store.get(this.key);
    if (raw === null) return null;
    try {
      const value = JSON.parse(raw) as { token?: unknown; renewAt?: unknown };
      return typeof value.token === 'string' && typeof value.renewAt === 'number'
        ? { token: value.token, renewAt: value.renewAt }
        : null;
    } catch {
      return null;
    }
  }
}

export interface MiniProgramLoginInput {
  /** WeChat: `wx.login`'s code; Alipay: `my.getAuthCode`'s. */
  code: string;
  /** WeChat: `getPhoneNumber`'s code; Alipay: `my.getPhoneNumber`'s whole response. */
  phone?: string;
  types?: AccountType;
  /** Passed to the registration as the registration form's `agree` is (consent). */
  agree?: string;
}

/** One linked platform as `GET /users` shows it. */
export interface LinkView {
  provider: LinkProvider;
  linked_at: string;
}

const isPlatformError = (error: unknown): error is PlatformError => error instanceof PlatformError;

/**
 * Logging in from a WeChat or Alipay mini program with the identity and phone the
 * platform has verified (issue 17), and linking or unlinking those identities.
 */
export class MiniProgramService {
  constructor(
    private readonly users: UserStore & LinkStore,
    private readonly accounts: AccountService,
    private readonly phones: PhoneRules,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly log: Pick<Logger, 'warn'>,
    private readonly wechat: { api: WeChatApi; tokens: WeChatAccessTokens } | undefined,
    private readonly alipay: AlipayApi | undefined,
    private readonly limits: RateLimits,
    private readonly perIpPerMinute: number,
  ) {}

  /** Which platforms are configured. */
  get enabled(): Record<LinkProvider, boolean> {
    return { wechat: this.wechat !== undefined, alipay: this.alipay !== undefined };
  }

  /** POST /wechat/sessions. */
  async logInWithWeChat(input: MiniProgramLoginInput, client: ClientInfo): Promise<Result<LoggedInAs>> {
    const wechat = this.wechat;
    if (wechat === undefined) return fail(RET.REQERR, 'platformOff');
    return this.guarded(client, 'wechat', async () => {
      const { openid, unionid } = await wechat.api.codeToSession(input.code);
      const identity: LinkIdentity = { provider: 'wechat', subject: openid, unionId: unionid };
      return this.logInOrRegister(identity, input, client, async (phoneCode) => {
        const info = await this.withAccessToken((token) => wechat.api.phoneNumber(token, phoneCode));
        return `+${info.countryCode}${info.pure}`;
      });
    });
  }

  /** POST /alipay/sessions. */
  async logInWithAlipay(input: MiniProgramLoginInput, client: ClientInfo): Promise<Result<LoggedInAs>> {
    const alipay = this.alipay;
    if (alipay === undefined) return fail(RET.REQERR, 'platformOff');
    return this.guarded(client, 'alipay', async () => {
      const { subject } = await alipay.oauthToken(input.code);
      const identity: LinkIdentity = { provider: 'alipay', subject, unionId: null };
      return this.logInOrRegister(identity, input, client, async (response) => {
        const phone = alipay.decryptPhone(response);
        // Alipay's mainland numbers come without a country code.
        return phone === null ? null : phone.mobile.startsWith('+') ? phone.mobile : `+86${phone.mobile}`;
      });
    });
  }

  /** POST /users/links/{provider}: links the platform identity `code` names to the logged-in account. */
  async link(user: User, provider: LinkProvider, code: string, client: ClientInfo): Promise<Result> {
    const identify = this.identifier(provider);
    if (identify === undefined) return fail(RET.REQERR, 'platformOff');
    return this.guarded(client, provider, async () => {
      const identity = await identify(code);
      const outcome = await this.users.addLink(user.id, identity, this.clock.now());
      if (outcome === 'takenByOther') return fail(RET.DATAEXIST, 'platformLinkedElsewhere');
      if (outcome === 'providerTaken') return fail(RET.DATAEXIST, 'providerAlreadyLinked');
      if (outcome === 'linked') await this.recordLink('link', user, provider, client);
      return ok();
    });
  }

  /** DELETE /users/links/{provider}: never the account's last way to log in. */
  async unlink(user: User, provider: LinkProvider, client: ClientInfo): Promise<Result> {
    const outcome = await this.users.removeLink(user.id, provider);
    if (outcome === 'none') return fail(RET.NODATA, 'linkNotFound');
    if (outcome === 'lastWay') return fail(RET.DATAERR, 'lastLoginWay');
    await this.recordLink('unlink', user, provider, client);
    return ok();
  }

  private recordLink(
    action: 'link' | 'unlink',
    user: Pick<User, 'id' | 'phone'>,
    provider: LinkProvider,
    client: ClientInfo,
  ): Promise<void> {
    return this.audit.record({
      action,
      outcome: 'success',
      userId: user.id,
      phone: user.phone,
      client,
      detail: provider,
    });
  }

  /** What `GET /users` lists: the platforms the account is linked to (never their ids). */
  async links(userId: number): Promise<LinkView[]> {
    const links = await this.users.listLinks(userId);
    return links.map((link) => ({
      provider: link.provider,
      linked_at: new Date(link.createdAt).toISOString(),
    }));
  }

  private identifier(provider: LinkProvider): ((code: string) => Promise<LinkIdentity>) | undefined {
    const { wechat, alipay } = this;
    if (provider === 'wechat' && wechat !== undefined)
      return async (code) => {
        const { openid, unionid } = await wechat.api.codeToSession(code);
        return { provider, subject: openid, unionId: unionid };
      };
    if (provider === 'alipay' && alipay !== undefined)
      return async (code) => ({ provider, subject: (await alipay.oauthToken(code)).subject, unionId: null });
    return undefined;
  }

  /**
   * The linked account logs in; else, with the phone the platform vouches for, the account
   * of that phone (found or opened) is linked and logs in; else `phoneRequired`. Of two
   * first logins racing, the loser finds the winner's account on its second look.
   */
  private async logInOrRegister(
    identity: LinkIdentity,
    input: MiniProgramLoginInput,
    client: ClientInfo,
    phoneOf: (proof: string) => Promise<string | null>,
  ): Promise<Result<LoggedInAs>> {
    const linked = await this.users.findUserByLink(identity);
    if (linked !== null) return this.accounts.logInLinked(linked, client, identity.provider);
    if (input.phone === undefined) return fail(RET.USERERR, 'phoneRequired');
    const vouched = await phoneOf(input.phone);
    if (vouched === null) return fail(RET.DATAERR, 'phoneProofInvalid');
    const phone = this.phones.normalise(vouched);
    if (phone === null) return fail(RET.PARAMERR, 'phoneInvalid');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const owner = await this.users.findUserByPhone(phone);
      if (owner !== null) {
        const outcome = await this.users.addLink(owner.id, identity, this.clock.now());
        if (outcome === 'providerTaken') return fail(RET.DATAEXIST, 'providerAlreadyLinked');
        if (outcome === 'takenByOther') {
          const winner = await this.users.findUserByLink(identity);
          if (winner !== null) return this.accounts.logInLinked(winner, client, identity.provider);
          continue;
        }
        if (outcome === 'linked') await this.recordLink('link', owner, identity.provider, client);
        return this.accounts.logInLinked(owner, client, identity.provider);
      }
      const opened = await this.accounts.registerLinkedAccount(
        {
          phone,
          ...(input.types && { types: input.types }),
          ...(input.agree !== undefined && { agree: input.agree }),
        },
        identity,
        client,
      );
      if (opened !== null) return opened;
      // Raced: another first login (or a registration) took the phone or the identity.
      const winner = await this.users.findUserByLink(identity);
      if (winner !== null) return this.accounts.logInLinked(winner, client, identity.provider);
    }
    return fail(RET.DATAEXIST, 'phoneRegistered');
  }

  /** `call` with a valid access token; refused as invalid or expired, the token is renewed once and `call` retried. */
  private async withAccessToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const tokens = this.wechat?.tokens;
    if (tokens === undefined) throw new Error('WeChat is off');
    const token = await tokens.current();
    try {
      return await call(token);
    } catch (error) {
      const refused =
        isPlatformError(error) &&
        (error.code === WECHAT_CODES.invalidToken || error.code === WECHAT_CODES.expiredToken);
      if (!refused) throw error;
      return call(await tokens.renewAfterRefusal(token));
    }
  }

  /** At most `perIpPerMinute` platform calls per client address; platform failures as refusals: a bad code DATAERR, a rate limit REQERR, anything else THIRDERR. */
  private async guarded<T>(
    client: ClientInfo,
    platform: LinkProvider,
    work: () => Promise<Result<T>>,
  ): Promise<Result<T>> {
    // Counted before the platform is asked: a flood from one address spends no platform quota.
    const perIp = await this.limits.hit(`mini-program:ip:${client.ip}`, this.perIpPerMinute, 60);
    if (!perIp.allowed) return fail(RET.IPERR, 'miniProgramTooOften', perIp.retryAfterSeconds);
    try {
      return await work();
    } catch (error) {
      if (!isPlatformError(error)) throw error;
      const { code } = error;
      if (
        code === WECHAT_CODES.invalidCode ||
        code === WECHAT_CODES.codeUsed ||
        code === WECHAT_CODES.invalidPhoneCode ||
        code === ALIPAY_INVALID_CODE
      )
        return fail(RET.DATAERR, 'platformCodeInvalid');
      (client.log ?? this.log).warn(
        { platform, code, err: { message: error.message } },
        'mini-program platform call failed',
      );
      if (code === WECHAT_CODES.rateLimited || /limit/i.test(code))
        return fail(RET.REQERR, 'platformRateLimited');
      return fail(RET.THIRDERR, 'platformFailed');
    }
  }
}
