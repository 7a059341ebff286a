#!/usr/bin/env python3
"""Runs every ClickHouse migration and every documented analyst query on the current ClickHouse engine, and
loads the sink's kept RowBinary, in-process through chDB's libchdb.so (npm package @chdb/lib-linux-x64-gnu), so
that what the tests check on 18.16 stays valid on the releases users deploy.
Usage: chdb_check.py LIBCHDB_SO REPO_ROOT"""
import atexit
import ctypes
import pathlib
import sys
import tempfile

lib_path, root = sys.argv[1], pathlib.Path(sys.argv[2])
resources = root / "schemas/src/main/resources/clickhouse"

lib = ctypes.CDLL(lib_path)
lib.chdb_connect.restype = ctypes.c_void_p
lib.chdb_connect.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
lib.chdb_query.restype = ctypes.c_void_p
lib.chdb_query.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
lib.chdb_result_error.restype = ctypes.c_char_p
lib.chdb_result_error.argtypes = [ctypes.c_void_p]
lib.chdb_result_buffer.restype = ctypes.c_void_p
lib.chdb_result_buffer.argtypes = [ctypes.c_void_p]
lib.chdb_result_length.restype = ctypes.c_size_t
lib.chdb_result_length.argtypes = [ctypes.c_void_p]
lib.chdb_destroy_query_result.argtypes = [ctypes.c_void_p]

lib.chdb_close_conn.argtypes = [ctypes.c_void_p]

workdir = tempfile.TemporaryDirectory(prefix="probr-chdb-")
args = (ctypes.c_char_p * 2)(b"clickhouse", ("--path=" + workdir.name).encode())
handle = lib.chdb_connect(2, args)
connection = ctypes.c_void_p.from_address(handle).value


@atexit.register
def close():
    """However the check ends: close the engine first, or it writes into its directory after the removal."""
    lib.chdb_close_conn(handle)
    workdir.cleanup()


def query(sql, what):
    result = lib.chdb_query(connection, sql.encode(), b"TabSeparated")
    error = lib.chdb_result_error(result)
    output = ctypes.string_at(lib.chdb_result_buffer(result), lib.chdb_result_length(result)).decode()
    lib.chdb_destroy_query_result(result)
    if error:
        sys.exit(f"chDB: {what} failed: {error.decode().strip()}")
    return output


def statements(sql):
    """Same rules as the sink's Migration.statements(): ';' ends a statement at the end of a line."""
    current = []
    for line in sql.splitlines():
        if not line.strip() or line.strip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            yield "\n".join(current).rstrip().rstrip(";")
            current = []
    if current:
        yield "\n".join(current)


print("chDB ClickHouse", query("SELECT version()", "version").strip())
for name in (resources / "migrations/index.txt").read_text().split():
    for i, statement in enumerate(statements((resources / "migrations" / name).read_text()), 1):
        query(statement, f"migration {name}, statement {i}")
    print(f"migration {name}: ok")

# A few rows, written twice like a replay, so the queries run over data and duplicates.
now = "toUInt64(toUnixTimestamp(now())) * 1000"
for _ in range(2):
    query(f"INSERT INTO probr.events (ingest_id, container_id, event_name, timestamp_ms, received_at_ms, key_id, site_id,"
          f" tag_count, has_user_data, has_email, has_phone, has_first_name, has_last_name, has_city, has_country,"
          f" has_ecommerce, has_value, has_currency, has_transaction_id, has_items)"
          f" SELECT toUUID('0190d6a4-0000-7000-8000-000000000001'), 'GTM-CHDB', 'purchase', {now}, {now}, 'k', 's',"
          f" 2, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1", "insert into probr.events")
    query(f"INSERT INTO probr.tag_executions (ingest_id, tag_index, container_id, event_name, timestamp_ms, tag, tag_id,"
          f" tag_name, status, execution_ms) SELECT toUUID('0190d6a4-0000-7000-8000-000000000001'), number, 'GTM-CHDB',"
          f" 'purchase', {now}, if(number = 0, 'GA4', 'CAPI'), toString(number), '', if(number = 0, 'success', 'timeout'),"
          f" if(number = 0, 120, NULL) FROM numbers(2)", "insert into probr.tag_executions")
    query(f"INSERT INTO probr.windows (source, container_id, window_start_ms, window_end_ms, window_part, total_events,"
          f" event_counts.event_name, event_counts.count, user_data_email, user_data_phone, user_data_address,"
          f" user_data_total, ecommerce_value, ecommerce_currency, ecommerce_transaction_id, ecommerce_items,"
          f" ecommerce_total) SELECT 'stream', 'GTM-CHDB', {now}, {now} + 60000, 'final', 2, ['purchase'], [2],"
          f" 1, 0, 1, 2, 1, 1, 0, 1, 1", "insert into probr.windows")
    query(f"INSERT INTO probr.tag_windows (source, container_id, window_start_ms, window_end_ms, window_part, tag,"
          f" success, failure, timeout, exception, total_exec_ms, count) SELECT src, 'GTM-CHDB', {now}, {now} + 60000,"
          f" 'p', 'GA4', 1, 0, 0, 0, 120, 1 FROM (SELECT arrayJoin(['stream', 'tag_batch']) AS src)",
          "insert into probr.tag_windows")

for name in (resources / "queries/index.txt").read_text().split():
    rows = query((resources / "queries" / name).read_text(), f"query {name}").strip().splitlines()
    if not rows:
        sys.exit(f"chDB: query {name} returned no rows over the sample data")
    print(f"query {name}: ok, {len(rows)} row(s): {rows[0]}")

# The control API's queries read their values from a one-row table p (an external table over HTTP): here a
# Memory table with the structure the query's "-- params:" line gives. Each runs twice: with every filter empty
# (its "-- if x" lines left out, as SqlQuery does) and with every filter given (all lines kept).
import re

api = root / "control-api/src/main/resources/clickhouse/api"
report = root / "control-api/src/test/resources/clickhouse/report-all.sql"
condition = re.compile(r"\s*--\s*if\s+([a-z_|]+)")


def lines_for(sql, present):
    kept = []
    for line in sql.splitlines():
        groups = condition.findall(line)
        if all(any(name in present for name in group.split("|")) for group in groups):
            kept.append(condition.split(line)[0] if groups else line)
    return "\n".join(kept)


for path in sorted(api.glob("*.sql")) + [report]:
    sql = path.read_text()
    structure = sql.splitlines()[0].removeprefix("-- params:").strip()
    columns = [c.strip().split(" ", 1) for c in structure.split(",")]
    for filled in (False, True):
        values, present = [], set()
        for name, type_ in columns:
            if name == "ingest_ids":
                values.append("['0190d6a4-0000-7000-8000-000000000001']")
                present.add(name)
            elif type_.startswith("Array"):
                values.append("['GTM-CHDB', 'purchase', 'GA4', 'success']")
                present.add(name)
            elif type_ == "String":
                values.append("'GTM-CHDB'" if filled else "''")
                if filled:
                    present.add(name)
            else:
                values.append("4102444800000" if name == "end_ms" else "0")
                present.add(name)
        query("DROP TABLE IF EXISTS p", "drop p")
        query(f"CREATE TABLE p ({structure}) ENGINE = Memory", f"params of {path.name}")
        query(f"INSERT INTO p VALUES ({', '.join(values)})", f"params of {path.name}")
        text = lines_for(sql, present)
        if path.name in ("events_page.sql", "executions.sql", "webhook_logs.sql"):
            text += "\nLIMIT 0, 101"
        rows = query(text, f"API query {path.name}").strip().splitlines()
        print(f"API query {path.name} ({'filters given' if filled else 'no filters'}): ok, {len(rows)} row(s)")

# The RowBinary the sink writes (kept by RowBinaryGoldenTest, loaded on 18.16 by ClickHouseWriterIT) must load
# on the current engine as the same rows.
golden = root / "clickhouse-sink/src/test/resources/rowbinary"
for table in ("events", "tag_executions", "windows", "tag_windows"):
    columns = [line.split("\t") for line in query(
        f"SELECT name, type FROM system.columns WHERE database = 'probr' AND table = '{table}'"
        f" AND default_kind != 'MATERIALIZED' FORMAT TabSeparatedRaw", f"columns of {table}").splitlines()]
    names = ", ".join(name for name, _ in columns)
    structure = ", ".join(f"`{name}` {type_}" for name, type_ in columns).replace("'", "\\'")
    data = (golden / f"probr.{table}.bin").resolve()
    query(f"INSERT INTO probr.{table} ({names}) SELECT * FROM file('{data}', 'RowBinary', '{structure}')",
          f"RowBinary into {table}")
    rows = query(f"SELECT {names} FROM probr.{table} FINAL WHERE container_id = 'GTM-GOLDEN' ORDER BY {names}",
                 f"rows of {table}")
    if rows != (golden / f"probr.{table}.tsv").read_text():
        sys.exit(f"chDB: the sink's RowBinary for probr.{table} loads as\n{rows}")
    print(f"RowBinary into probr.{table}: ok")

# The sink's migration lock (MigrationLock) and retention (RetentionJob), statement for statement.
query("CREATE TABLE probr.schema_migrations_lock ENGINE = Log AS SELECT 'chdb' AS owner, now() AS acquired_at",
      "take the migration lock")
held = query("SELECT owner, toUInt64(greatest(now() - acquired_at, 0)) FROM probr.schema_migrations_lock LIMIT 1"
             " FORMAT TabSeparated", "read the migration lock")
if not held.startswith("chdb\t"):
    sys.exit(f"chDB: the migration lock reads {held!r}")
query("RENAME TABLE probr.schema_migrations_lock TO probr.schema_migrations_lock_stale_x", "break a stale lock")
query("DROP TABLE IF EXISTS probr.schema_migrations_lock_stale_x", "drop a broken lock")
query("INSERT INTO probr.events (ingest_id, container_id, event_name, timestamp_ms) SELECT generateUUIDv4(),"
      " 'GTM-RETENTION', 'page_view', 1705320000000", "insert an old event")
partitions = query("SELECT DISTINCT partition FROM system.parts WHERE active AND database = 'probr'"
                   " AND table = 'events' ORDER BY partition FORMAT TabSeparated", "list partitions").split()
if "202401" not in partitions:
    sys.exit(f"chDB: partitions of probr.events read {partitions}")
query("ALTER TABLE probr.events DROP PARTITION 202401", "drop an expired partition")
if query("SELECT count() FROM probr.events WHERE container_id = 'GTM-RETENTION'", "count").strip() != "0":
    sys.exit("chDB: DROP PARTITION left rows")
print("migration lock and retention statements: ok")
