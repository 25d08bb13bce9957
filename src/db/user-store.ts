/** The account and session ports the services talk to. */

export type AccountType = 'patient' | 'expert';

export interface User {
  id: number;
  phone: string;
  passwordHash: string;
  name: string;
  types: AccountType;
  avatarUrl: string | null;
  age: number | null;
  address: string | null;
  createdAt: number;
}

export interface NewUser {
  phone: string;
  passwordHash: string;
  name: string;
  types: AccountType;
  createdAt: number;
}

export interface Session {
  /** SHA-256 (hex) of the session id. */
  idHash: string;
  userId: number;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export type NewSession = Omit<Session, 'userId'>;

export interface UserStore {
  findUserByPhone(phone: string): Promise<User | null>;
  findUserById(id: number): Promise<User | null>;
  phoneExists(phone: string): Promise<boolean>;
  /**
   * Creates the user and, in the same transaction, its first session. Returns null,
   * having written nothing, when the phone is already registered.
   */
  createUser(user: NewUser, firstSession: NewSession): Promise<User | null>;
}

export interface SessionStore {
  createSession(session: Session): Promise<void>;
  /** The session with this hash if it has not expired at `now`. */
  findLiveSession(idHash: string, now: number): Promise<Session | null>;
  touchSession(idHash: string, lastUsedAt: number, expiresAt: number): Promise<void>;
  /** Says whether a session was deleted. */
  deleteSession(idHash: string): Promise<boolean>;
  deleteExpiredSessions(now: number): Promise<number>;
}

export interface AccountDatabase extends UserStore, SessionStore {
  ping(): Promise<void>;
  close(): Promise<void>;
}
