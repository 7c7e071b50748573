import { DatabaseSync, StatementSync } from "node:sqlite";
import { Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeSqliteDialect } from "../../src/store/node-sqlite-dialect.js";

interface TestDb {
  items: { id: number; name: string };
}

describe("NodeSqliteDialect", () => {
  let database: DatabaseSync;
  let db: Kysely<TestDb>;

  beforeEach(async () => {
    database = new DatabaseSync(":memory:");
    db = new Kysely<TestDb>({ dialect: new NodeSqliteDialect({ database }) });
    await db.schema
      .createTable("items")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull().unique())
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it("reports inserted ids and affected rows as bigint", async () => {
    const inserted = await db.insertInto("items").values({ id: 7, name: "a" }).executeTakeFirst();
    expect(inserted.insertId).toBe(7n);
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);
    await db.insertInto("items").values({ id: 8, name: "b" }).execute();
    const updated = await db.updateTable("items").set({ name: sql`name || '!'` }).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const deleted = await db.deleteFrom("items").where("id", "=", 99).executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(0n);
  });

  it("returns rows for selects, RETURNING and raw reads", async () => {
    const returned = await db.insertInto("items").values({ id: 1, name: "x" }).returning(["id", "name"]).execute();
    expect(returned).toEqual([{ id: 1, name: "x" }]);
    expect(await db.selectFrom("items").selectAll().execute()).toEqual([{ id: 1, name: "x" }]);
    const raw = await sql<{ n: number }>`select count(*) as n from items`.execute(db);
    expect(raw.rows).toEqual([{ n: 1 }]);
  });

  it("tells reads from writes by the query on Nodes without StatementSync.columns()", async () => {
    const proto = StatementSync.prototype as { columns?: unknown };
    const columns = proto.columns;
    delete proto.columns;
    try {
      const returned = await db.insertInto("items").values({ id: 1, name: "x" }).returning("id").execute();
      expect(returned).toEqual([{ id: 1 }]);
      const inserted = await db.insertInto("items").values({ id: 2, name: "y" }).executeTakeFirst();
      expect(inserted.numInsertedOrUpdatedRows).toBe(1n);
      expect(await db.selectFrom("items").select("id").orderBy("id").execute()).toEqual([{ id: 1 }, { id: 2 }]);
      const raw = await sql<{ n: number }>`select count(*) as n from items`.execute(db);
      expect(raw.rows).toEqual([{ n: 2 }]);
      const rawWrite = await sql`delete from items where id = ${2}`.execute(db);
      expect(rawWrite.numAffectedRows).toBe(1n);
    } finally {
      proto.columns = columns;
    }
  });

  it("streams select results", async () => {
    await db
      .insertInto("items")
      .values([1, 2, 3].map((id) => ({ id, name: `n${id}` })))
      .execute();
    const seen: number[] = [];
    for await (const row of db.selectFrom("items").select("id").orderBy("id").stream(2)) seen.push(row.id);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("rolls a failed transaction back", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("items").values({ id: 1, name: "x" }).execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.selectFrom("items").selectAll().execute()).toEqual([]);
  });

  it("keeps other queries out of a transaction that waits in between statements", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));

    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ id: 1, name: "tx" }).execute();
      entered();
      await gate;
      throw new Error("rollback");
    });
    await inside;
    // Issued while the transaction is open; it must not run inside it (and so be rolled back).
    const outside = db.insertInto("items").values({ id: 2, name: "outside" }).execute();
    release();
    await expect(tx).rejects.toThrow("rollback");
    await outside;
    expect(await db.selectFrom("items").select("name").execute()).toEqual([{ name: "outside" }]);
  });

  it("serialises concurrent transactions", async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          const { n } = await trx
            .selectFrom("items")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow();
          await Promise.resolve();
          await trx
            .insertInto("items")
            .values({ id: Number(n) + 1, name: `t${i}` })
            .execute();
        }),
      ),
    );
    const ids = (await db.selectFrom("items").select("id").orderBy("id").execute()).map((r) => r.id);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("closes the database on destroy", async () => {
    await db.destroy();
    expect(() => database.prepare("select 1")).toThrow();
  });
});
