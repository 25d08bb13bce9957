import type { Kysely } from 'kysely';

/**
 * Device marks: browsers and apps that logged into an account, each kept only as the
 * SHA-256 of its secret, so that a lockout caused by strangers never locks them out.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_marks')
    .addColumn('id_hash', 'char(64)', (col) => col.primaryKey())
    .addColumn('user_id', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    // A table-level constraint: MySQL before 9.0 silently ignores a REFERENCES on the column.
    .addForeignKeyConstraint('device_marks_user_id_fk', ['user_id'], 'users', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('device_marks_user_id').on('device_marks').column('user_id').execute();
  await db.schema.createIndex('device_marks_expires_at').on('device_marks').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('device_marks').execute();
}
