import type { Clock } from '../clock.js';
import type { NewSession, SessionStore } from '../db/user-store.js';
import type { User } from './users.js';
import type { ServiceLogger } from './logger.js';
import { newSessionId, sha256Hex } from './secrets.js';

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
  /** The device marks the client presented (see DeviceMarkService); none for a stranger. */
  deviceMarks?: readonly string[];
  /** The logger of the request being served, so that a service's lines carry its id. */
  log?: ServiceLogger;
}

export interface NewSessionToken {
  /** The id for the cookie; only its SHA-256 is stored. */
  id: string;
  record: NewSession;
}

export interface LiveSession {
  userId: number;
  /** The account the session belongs to, as it is now (it may have been disabled). */
  user: User;
  /** True when the expiry moved forward, so the cookie should be sent again. */
  renewed: boolean;
}

/** What `GET /sessions` shows of one session: never the id that logs in, only a handle for it. */
export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
  /** `browser` (a cookie) or `app` (bearer tokens). */
  kind: 'browser' | 'app';
}

/** A session's public handle: the start of the SHA-256 the database keeps (not the secret id). */
const handleOf = (idHash: string): string => idHash.slice(0, 16);

/** Sessions are renewed on use, but written back at most once a minute. */
const RENEW_EVERY_MS = 60_000;

export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  get ttlMs(): number {
    return this.ttlSeconds * 1000;
  }

  /** A fresh id and the record to store for it; never derived from anything the client sent. */
  prepareSession(client: ClientInfo): NewSessionToken {
    const id = newSessionId();
    const now = this.clock.now();
    return {
      id,
      record: {
        idHash: sha256Hex(id),
        createdAt: now,
        lastUsedAt: now,
        expiresAt: now + this.ttlMs,
        ip: client.ip.slice(0, 64),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      },
    };
  }

  /** A new session's id; null when the user no longer exists (deleted while logging in). */
  async startSession(userId: number, client: ClientInfo): Promise<string | null> {
    const { id, record } = this.prepareSession(client);
    return (await this.store.createSession({ ...record, userId })) ? id : null;
  }

  /** The hash the database keeps of a session id (a cookie's value); undefined for no usable id. */
  static hashOf(id: string | undefined): string | undefined {
    if (id === undefined || id === '' || id.length > 128) return undefined;
    return sha256Hex(id);
  }

  /** The live session behind a cookie value, renewing it; null when there is none. */
  async resolveSession(id: string | undefined): Promise<LiveSession | null> {
    return this.resolveSessionByHash(SessionService.hashOf(id));
  }

  /** The live session with this hash (a cookie's, or an access token's `sid`), renewing it. */
  async resolveSessionByHash(idHash: string | undefined): Promise<LiveSession | null> {
    if (idHash === undefined) return null;
    const now = this.clock.now();
    const session = await this.store.findLiveSessionUser(idHash, now);
    if (session === null) return null;
    const { user } = session;
    if (now - session.lastUsedAt < RENEW_EVERY_MS) return { userId: user.id, user, renewed: false };
    await this.store.touchSession(idHash, now, now + this.ttlMs);
    return { userId: user.id, user, renewed: true };
  }

  /** Destroys the session on the server; says whether there was one. */
  async endSession(id: string | undefined): Promise<boolean> {
    return this.endSessionByHash(SessionService.hashOf(id));
  }

  /** Destroys the session with this hash (and with it an app's refresh token); says whether there was one. */
  async endSessionByHash(idHash: string | undefined): Promise<boolean> {
    return idHash !== undefined && this.store.deleteSession(idHash);
  }

  /** Ends every session of a person, or every one but the session hashed `keepHash`; says how many ended. */
  async endSessionsOf(userId: number, keepHash?: string): Promise<number> {
    return this.store.deleteSessionsOfUser(userId, keepHash);
  }

  /** A person's live sessions, most recently used first, the caller's own (hashed `currentHash`) marked. */
  async listSessions(userId: number, currentHash: string): Promise<SessionView[]> {
    const sessions = await this.store.listSessions(userId, this.clock.now());
    return sessions.map((s) => ({
      id: handleOf(s.idHash),
      created_at: new Date(s.createdAt).toISOString(),
      last_used_at: new Date(s.lastUsedAt).toISOString(),
      ip: s.ip,
      user_agent: s.userAgent,
      current: s.idHash === currentHash,
      kind: s.kind,
    }));
  }

  /** Ends one of a person's own sessions by its handle; false when they have none such. */
  async endSessionByHandle(userId: number, handle: string): Promise<boolean> {
    const sessions = await this.store.listSessions(userId, this.clock.now());
    const session = sessions.find((s) => handleOf(s.idHash) === handle);
    return session !== undefined && this.store.deleteSession(session.idHash);
  }

  async deleteExpiredSessions(): Promise<number> {
    return this.store.deleteExpiredSessions(this.clock.now());
  }
}
