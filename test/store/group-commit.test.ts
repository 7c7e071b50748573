import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/store/group-commit.js";
import { NodeSqliteDialect } from "../../src/store/node-sqlite-dialect.js";

interface TestDb {
  items: { id: number; name: string };
}

describe("GroupCommit", () => {
  let dir: string;
  let file: string;
  let db: DatabaseSync;
  /** Another connection on the same file: it sees only what is committed. */
  let observer: DatabaseSync;
  let commits: number;
  let group: GroupCommit;

  const committedNames = () => (observer.prepare("select name from items order by id").all() as Array<{ name: string }>).map((r) => r.name);
  const insert = (id: number, name: string) => group.run(() => db.prepare("insert into items (id, name) values (?, ?)").run(id, name).changes);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "warden-group-commit-"));
    file = join(dir, "test.db");
    db = new DatabaseSync(file);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("create table items (id integer primary key, name text not null unique)");
    observer = new DatabaseSync(file);
    commits = 0;
    group = new GroupCommit(db, { afterCommit: () => commits++ });
  });
  afterEach(() => {
    observer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("commits concurrent writes once, and answers each only when its row is committed", async () => {
    const seenAtAnswer: string[][] = [];
    await Promise.all(
      ["a", "b", "c", "d"].map((name, i) => insert(i + 1, name).then(() => seenAtAnswer.push(committedNames()))),
    );
    expect(commits).toBe(1);
    for (const seen of seenAtAnswer) expect(seen).toEqual(["a", "b", "c", "d"]);
  });

  it("fails only the statement that failed; the rest of the batch commits", async () => {
    const results = await Promise.allSettled([insert(1, "a"), insert(2, "a"), insert(3, "c")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(committedNames()).toEqual(["a", "c"]);
  });

  it("rejects everyone in a batch whose commit fails, and keeps none of its rows", async () => {
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("create table refs (id integer primary key, item integer references items(id) deferrable initially deferred)");
    const bad = group.run(() => db.prepare("insert into refs (id, item) values (1, 999)").run().changes);
    const good = insert(1, "a");
    await expect(bad).rejects.toThrow(/FOREIGN KEY/);
    await expect(good).rejects.toThrow(/FOREIGN KEY/);
    expect(committedNames()).toEqual([]);
    expect(commits).toBe(0);
    // The next batch starts clean.
    await insert(2, "b");
    expect(committedNames()).toEqual(["b"]);
  });

  it("answers a read at once when no batch is open, and after the commit when one is", async () => {
    await insert(1, "a");
    const count = () => group.run(() => (db.prepare("select count(*) as n from items").get() as { n: number }).n, { read: true });
    expect(await count()).toBe(1);
    expect(commits).toBe(1);
    const write = insert(2, "b");
    const read = count();
    let readAnswered = false;
    void read.then(() => (readAnswered = true));
    await Promise.resolve();
    expect(readAnswered).toBe(false);
    expect(await read).toBe(2);
    await write;
    expect(commits).toBe(2);
  });

  it("lets an explicit transaction commit the open batch first and run alone", async () => {
    const kysely = new Kysely<TestDb>({ dialect: new NodeSqliteDialect({ database: db, groupCommit: group }) });
    const order: string[] = [];
    const batched = kysely.insertInto("items").values({ id: 1, name: "batched" }).execute().then(() => order.push("batched"));
    let late: Promise<unknown> | undefined;
    const transaction = kysely.transaction().execute(async (trx) => {
      // The batch committed before this transaction began.
      expect(committedNames()).toEqual(["batched"]);
      await trx.insertInto("items").values({ id: 2, name: "in-transaction" }).execute();
      // Outside the transaction: it waits until the transaction has ended.
      late = kysely.insertInto("items").values({ id: 3, name: "late" }).execute().then(() => order.push("late"));
      await trx.insertInto("items").values({ id: 4, name: "in-transaction-2" }).execute();
      order.push("transaction");
    });
    await Promise.all([batched, transaction]);
    await late;
    expect(order).toEqual(["batched", "transaction", "late"]);
    expect(committedNames()).toEqual(["batched", "in-transaction", "late", "in-transaction-2"]);
  });
});
