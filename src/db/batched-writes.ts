/**
 * Group commit for rows that many requests append at once (the audit log): the rows added
 * during one turn of the event loop, and those added while a write is under way, go to the
 * database together, as one multi-row INSERT. On SQLite that is one commit to the
 * write-ahead log instead of one per row (an SMS sent under load spent a sixth of its CPU
 * writing its audit row alone); on PostgreSQL and MySQL, one round trip.
 *
 * Each caller still waits for its own row to be written, and learns if it was not: when a
 * write of several rows fails, each row is tried again on its own, so one row the database
 * refuses never takes the others with it. Rows written together keep the order they were
 * added in; rows tried again on their own may not.
 */
export class BatchedWrites<Row> {
  private readonly queue: { row: Row; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  /** The write under way, if any: rows added meanwhile wait for it, then go together. */
  private writing: Promise<void> | undefined;

  constructor(
    /** Writes the rows, in order, all or none. */
    private readonly write: (rows: Row[]) => Promise<void>,
    /** Most rows in one write (bound parameters per statement are limited). */
    private readonly maxRows: number,
  ) {}

  /** Resolves once `row` is written; rejects with the database's error if it could not be. */
  add(row: Row): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.scheduled && this.writing === undefined) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.startWriting();
        });
      }
    });
  }

  /** Resolves once every row added so far has been written or refused. */
  async drained(): Promise<void> {
    while (this.queue.length > 0 || this.writing !== undefined) {
      this.startWriting();
      await this.writing;
    }
  }

  private startWriting(): void {
    if (this.writing !== undefined || this.queue.length === 0) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
      // Rows added after the last batch was taken, while this promise settled.
      this.startWriting();
    });
  }

  /** Writes what is queued, batch after batch, until nothing is left. Never rejects. */
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxRows);
      try {
        await this.write(batch.map((entry) => entry.row));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        // Each row on its own, all at once: a row the database refuses fails alone, and when
        // the database is down every row learns it after one wait, as without the batch (one
        // after another, a batch of 200 would wait 200 connection timeouts).
        await Promise.all(batch.map((entry) => this.write([entry.row]).then(entry.resolve, entry.reject)));
      }
    }
  }
}
