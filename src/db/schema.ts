import type { Generated } from 'kysely';

/** The tables as Kysely sees them. Times are milliseconds since the epoch (BIGINT). */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  device_marks: DeviceMarksTable;
  consents: ConsentsTable;
  login_links: LoginLinksTable;
}

/** Issue 15: one row per agreement to the documents' versions. */
export interface ConsentsTable {
  id: Generated<number>;
  user_id: number;
  terms_version: string;
  privacy_version: string;
  agreed_at: number | string;
  ip: string | null;
  user_agent: string | null;
}

/** Mini-program identities linked to accounts (issue 17). */
export interface LoginLinksTable {
  provider: string;
  subject: string;
  union_id: string | null;
  user_id: number;
  created_at: number | string;
}

export interface DeviceMarksTable {
  /** SHA-256 (hex) of the mark's secret part; the secret itself is never stored. */
  id_hash: string;
  user_id: number;
  created_at: number | string;
  expires_at: number | string;
}

export interface UsersTable {
  id: Generated<number>;
  phone: string;
  password_hash: string;
  name: string;
  types: string;
  avatar_url: string | null;
  age: number | null;
  address: string | null;
  created_at: number | string;
  role: Generated<string>;
  /** Doctors only: pending, approved or rejected. */
  expert_status: string | null;
  /** 0 or 1 (a boolean every dialect stores alike). */
  disabled: Generated<number>;
  major: string | null;
  grade: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number | string;
  user_id: number | null;
  phone: string | null;
  action: string;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  detail: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session id; the id itself is never stored. */
  id_hash: string;
  user_id: number;
  created_at: number | string;
  last_used_at: number | string;
  expires_at: number | string;
  ip: string | null;
  user_agent: string | null;
  /** App sessions only (issue 14): SHA-256 (hex) of the current refresh token. */
  refresh_hash: string | null;
  /** How many times the refresh token turned; null for a cookie session. */
  refresh_generation: number | null;
  refresh_rotated_at: number | string | null;
  absolute_expires_at: number | string | null;
}
