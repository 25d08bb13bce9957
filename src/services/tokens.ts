import { createHmac, randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { RefreshSession, SessionStore } from '../db/user-store.js';
import type { User } from './users.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { KeySet } from '../tokens/keys.js';
import type { AuditService } from './audit.js';
import { constantTimeEqual, sha256Hex } from './secrets.js';
import type { ClientInfo } from './sessions.js';

/** What an app keeps after logging in (issue 14), in OAuth's names. */
export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds the access token lives. */
  expires_in: number;
  refresh_token: string;
  /** Seconds the refresh token lives unless used (it slides with use, up to the session's absolute end). */
  refresh_expires_in: number;
}

/** An access token's claims, once its signature, issuer, audience and time are checked. */
export interface AccessClaims {
  iss: string;
  aud: string;
  /** The user id, as a string. */
  sub: string;
  /** The session: the SHA-256 the database keeps of it, never anything that logs in. */
  sid: string;
  role: string;
  expert_status: string | null;
  iat: number;
  exp: number;
  jti: string;
}

/** An RFC 7662 answer. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      token_type: 'access_token' | 'refresh_token';
      sub: string;
      sid: string;
      exp: number;
      iat?: number;
      iss: string;
      aud?: string;
      jti?: string;
      role: string;
      expert_status: string | null;
    };

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  reuseIntervalSeconds: number;
  refreshMaxAgeSeconds: number;
  /** SESSION_TTL_SECONDS: how long an unused refresh token lives. */
  idleSeconds: number;
  /** SERVICE_CLIENTS: who may introspect and revoke. */
  serviceClients: ReadonlyMap<string, string>;
}

const HASH = /^[0-9a-f]{64}$/;
const REFRESH_TOKEN = /^([0-9a-f]{64})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;
const MAX_TOKEN_LENGTH = 4096;

/**
 * Bearer tokens for apps, mini programs and the platform's other services: short-lived
 * JWT access tokens any service can verify with the published keys, and refresh tokens
 * that turn with each use. A refresh token is `<session hash>.<generation>.<HMAC>`: the
 * server can re-derive the current one (to answer a retry) while the database keeps only
 * its SHA-256; a forged one fails the HMAC before any query.
 */
export class TokenService {
  private readonly refreshKey: Buffer;
  private readonly verifyKeys;

  constructor(
    private readonly store: SessionStore,
    private readonly keys: KeySet,
    private readonly clock: Clock,
    secret: string,
    private readonly settings: TokenSettings,
    private readonly audit: AuditService,
  ) {
    // A key of its own, derived from the service secret, so a refresh token's MAC is never a code's.
    this.refreshKey = createHmac('sha256', secret).update('refresh-token-v1').digest();
    this.verifyKeys = createLocalJWKSet({ keys: keys.all.map((key) => key.publicJwk) });
  }

  /** The public keys (GET /.well-known/jwks.json): every key of the set, the signing one first. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.all.map((key) => key.publicJwk) };
  }

  /** Which algorithms the keys sign with (for the discovery document). */
  algorithms(): string[] {
    return [...new Set(this.keys.all.map((key) => key.alg))];
  }

  /** Turns a session just started (by registration or login) into an app's: its first token pair. */
  async startTokenSession(sessionId: string): Promise<Result<TokenPair>> {
    const idHash = sha256Hex(sessionId);
    const now = this.clock.now();
    const refreshToken = this.refreshTokenFor(idHash, 0);
    const absolute = now + this.settings.refreshMaxAgeSeconds * 1000;
    if (!(await this.store.beginRefresh(idHash, sha256Hex(refreshToken), absolute)))
      return fail(RET.SESSIONERR);
    const session = await this.store.findRefreshSession(idHash, now);
    if (session === null) return fail(RET.SESSIONERR);
    return ok(await this.pairFor(session, now));
  }

  /**
   * POST /tokens/refresh: the current token buys the next pair, once. The previous one,
   * presented again within the reuse interval (a retry, or two requests racing), answers
   * the current pair; presented later, or an older one, it ends the whole session.
   */
  async refresh(token: string, client?: ClientInfo): Promise<Result<TokenPair>> {
    const presented = this.readRefreshToken(token);
    if (presented === null) return fail(RET.SESSIONERR, 'refreshTokenInvalid');
    const now = this.clock.now();
    let session = await this.store.findRefreshSession(presented.idHash, now);
    if (session === null || session.user.disabled) return fail(RET.SESSIONERR, 'refreshTokenInvalid');
    if (presented.generation === session.generation) {
      if (!constantTimeEqual(sha256Hex(token), session.refreshHash))
        return fail(RET.SESSIONERR, 'refreshTokenInvalid');
      const next = this.refreshTokenFor(session.idHash, session.generation + 1);
      const nextHash = sha256Hex(next);
      const expiresAt = Math.min(now + this.settings.idleSeconds * 1000, session.absoluteExpiresAt);
      if (await this.store.rotateRefresh(session.idHash, session.generation, nextHash, now, expiresAt)) {
        const turned = { ...session, generation: session.generation + 1, refreshHash: nextHash };
        return ok(await this.pairFor({ ...turned, rotatedAt: now, expiresAt }, now));
      }
      // Another request turned it first: judge this one as a retry of the previous token.
      session = await this.store.findRefreshSession(presented.idHash, now);
      if (session === null) return fail(RET.SESSIONERR, 'refreshTokenInvalid');
    }
    const retry =
      presented.generation === session.generation - 1 &&
      session.rotatedAt !== null &&
      now - session.rotatedAt <= this.settings.reuseIntervalSeconds * 1000;
    if (retry) return ok(await this.pairFor(session, now));
    // A spent token came back: whoever holds it may be a thief, so the session ends for everyone.
    await this.store.deleteSession(session.idHash);
    await this.audit.record({
      action: 'token',
      outcome: 'refresh_reused',
      userId: session.user.id,
      phone: session.user.phone,
      ...(client && { client }),
      detail: `generation ${presented.generation} presented at ${session.generation}; session ended`,
    });
    return fail(RET.SESSIONERR, 'refreshTokenReused');
  }

  /** The claims of a valid access token signed by one of our keys; null for anything else. */
  async verifyAccessToken(token: string): Promise<AccessClaims | null> {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    try {
      const { payload } = await jwtVerify(token, this.verifyKeys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.algorithms(),
        typ: 'at+jwt',
        currentDate: new Date(this.clock.now()),
      });
      const claims = payload as unknown as AccessClaims;
      if (typeof claims.sid !== 'string' || !HASH.test(claims.sid) || typeof claims.sub !== 'string')
        return null;
      return claims;
    } catch {
      return null;
    }
  }

  /** RFC 7662: whether a token (access or refresh) is in force now, on whichever instance asks. */
  async introspect(token: string): Promise<Introspection> {
    const now = this.clock.now();
    const refresh = this.readRefreshToken(token);
    if (refresh !== null) {
      const session = await this.store.findRefreshSession(refresh.idHash, now);
      if (
        session === null ||
        session.user.disabled ||
        refresh.generation !== session.generation ||
        !constantTimeEqual(sha256Hex(token), session.refreshHash)
      )
        return { active: false };
      return {
        active: true,
        token_type: 'refresh_token',
        sub: String(session.user.id),
        sid: session.idHash,
        exp: Math.floor(Math.min(session.expiresAt, session.absoluteExpiresAt) / 1000),
        iss: this.settings.issuer,
        role: session.user.role,
        expert_status: session.user.expertStatus,
      };
    }
    const claims = await this.verifyAccessToken(token);
    if (claims === null) return { active: false };
    // The signature alone would keep a logged-out token valid until it expires: the session decides.
    const live = await this.store.findLiveSessionUser(claims.sid, now);
    if (live === null || live.user.disabled || String(live.user.id) !== claims.sub) return { active: false };
    return {
      active: true,
      token_type: 'access_token',
      sub: claims.sub,
      sid: claims.sid,
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: claims.aud,
      jti: claims.jti,
      role: claims.role,
      expert_status: claims.expert_status,
    };
  }

  /** RFC 7009: ends the session a token (access or refresh) belongs to; unknown tokens are no error. */
  async revoke(token: string): Promise<void> {
    const refresh = this.readRefreshToken(token);
    const sid = refresh?.idHash ?? (await this.verifyAccessToken(token))?.sid;
    if (sid !== undefined) await this.store.deleteSession(sid);
  }

  /** The service a name and secret (HTTP Basic) belong to, compared in constant time; null for none. */
  serviceClient(name: string, secret: string): string | null {
    let found: string | null = null;
    for (const [known, knownSecret] of this.settings.serviceClients) {
      // Every client is compared, digests of equal length, so timing tells neither name nor secret.
      const match =
        constantTimeEqual(sha256Hex(name), sha256Hex(known)) &&
        constantTimeEqual(sha256Hex(secret), sha256Hex(knownSecret));
      if (match) found = known;
    }
    return found;
  }

  private async pairFor(session: RefreshSession, now: number): Promise<TokenPair> {
    return {
      access_token: await this.signAccessToken(session.user, session.idHash, now),
      token_type: 'Bearer',
      expires_in: this.settings.accessTtlSeconds,
      refresh_token: this.refreshTokenFor(session.idHash, session.generation),
      refresh_expires_in: Math.max(
        0,
        Math.floor((Math.min(session.expiresAt, session.absoluteExpiresAt) - now) / 1000),
      ),
    };
  }

  private signAccessToken(user: User, sid: string, now: number): Promise<string> {
    const { signing } = this.keys;
    const issuedAt = Math.floor(now / 1000);
    return new SignJWT({ sid, role: user.role, expert_status: user.expertStatus })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'at+jwt' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(String(user.id))
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.settings.accessTtlSeconds)
      .setJti(randomBytes(16).toString('base64url'))
      .sign(signing.privateKey);
  }

  private refreshTokenFor(idHash: string, generation: number): string {
    const mac = createHmac('sha256', this.refreshKey).update(`${idHash}.${generation}`).digest('base64url');
    return `${idHash}.${generation}.${mac}`;
  }

  /** The session and generation a refresh token names, if its HMAC is ours; null otherwise. */
  private readRefreshToken(token: string): { idHash: string; generation: number } | null {
    const match = REFRESH_TOKEN.exec(token);
    if (match === null) return null;
    const [, idHash = '', generation = ''] = match;
    const expected = this.refreshTokenFor(idHash, Number(generation));
    return constantTimeEqual(token, expected) ? { idHash, generation: Number(generation) } : null;
  }
}
