import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Consents (issue 15): which versions of the user agreement and the privacy policy a person
 * agreed to, when, from which address and user agent. A row per agreement, never updated:
 * re-consenting after a new version adds one. They go with the account (ON DELETE CASCADE).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('consents')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (col) =>
      postgres ? col.primaryKey() : col.primaryKey().autoIncrement(),
    )
    .addColumn('user_id', 'integer', (col) => col.notNull())
    .addColumn('terms_version', 'varchar(32)', (col) => col.notNull())
    .addColumn('privacy_version', 'varchar(32)', (col) => col.notNull())
    .addColumn('agreed_at', 'bigint', (col) => col.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    // A table-level constraint: MySQL before 9.0 silently ignores a REFERENCES on the column.
    .addForeignKeyConstraint('consents_user_id_fk', ['user_id'], 'users', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('consents_user_id').on('consents').columns(['user_id', 'id']).execute();
  // The retention job deletes old audit entries by time.
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_at').on('audit_log').execute();
  await db.schema.dropTable('consents').execute();
}
