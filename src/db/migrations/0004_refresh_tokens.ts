import type { Kysely } from 'kysely';

/**
 * Sessions of apps (issue 14) keep their refresh state on the session row: the SHA-256 of
 * the current refresh token, its generation (null: a cookie session), when it last turned,
 * and the session's absolute end. One column per ALTER: SQLite adds only one at a time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('refresh_hash', 'char(64)').execute();
  await db.schema.alterTable('sessions').addColumn('refresh_generation', 'integer').execute();
  await db.schema.alterTable('sessions').addColumn('refresh_rotated_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('absolute_expires_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['absolute_expires_at', 'refresh_rotated_at', 'refresh_generation', 'refresh_hash']) {
    await db.schema.alterTable('sessions').dropColumn(column).execute();
  }
}
