"""Benchmark: import a national-size ONS Postcode Directory on SQLite and PostgreSQL.

    python -m bench.postcodes                 # 2.7 million rows, like the real directory
    python -m bench.postcodes --rows 200000   # quicker

It writes a synthetic directory in the November 2025 layout (53 columns, ~530 bytes a row,
about a third of postcodes terminated and a few without a grid reference), then for each
database runs `manage.py import_postcodes` into a fresh database, runs it again (every row
an update: the monthly refresh), and runs a reference loader over the same file: csv.reader
and a plain executemany INSERT, no checks, no upsert - the floor any importer pays. Each run is
a subprocess, so its peak memory is its own maximum resident set size (getrusage).

PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/grassroots_bench);
the database is created and dropped by the benchmark.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROWS = 2_700_000
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/grassroots_bench"
REFERENCE_BATCH = 5000

HEADER = (
    "pcd7,pcd8,pcds,dointr,doterm,cty25cd,ced25cd,lad25cd,wd25cd,parncp25cd,usrtypind,east1m,"
    "north1m,gridind,hlth19cd,nhser24cd,ctry25cd,rgn25cd,ssr95cd,pcon24cd,eer20cd,educ23cd,"
    "ttwa15cd,pco19cd,itl25cd,wdstl05cd,oa01cd,wdcas03cd,npark16cd,lsoa01cd,msoa01cd,ruc01ind,"
    "oac01ind,oa11cd,lsoa11cd,msoa11cd,wz11cd,sicbl24cd,bua24cd,ruc11ind,oac11ind,lat,long,"
    "lep21cd1,lep21cd2,pfa23cd,imd20ind,cal24cd,icb23cd,oa21cd,lsoa21cd,msoa21cd,ruc21ind"
)
# The columns after wd25cd up to lat, and after long, as a real English row has them.
_MIDDLE = (
    '"E04012345","0","{east}","{north}","1","E18000006","E40000007","E92000001","E12000006",'
    '"5","E14001507","E15000006","E24000005","E30000237","E16000150","E07000240","26UGGR",'
    '"E00120568","26UGGR","E65000001","E01023743","E02004937","5","2B2","E00120568",'
    '"E01023743","E02004937","E33024349","E38000079","E63004441","C1","5A3"'
)
_TAIL = (
    '"E37000048","","E23000027",30564,"E56000035","E54000025","E00120568","E01023743",'
    '"E02004937","1"'
)
# Letters ONS uses in the inward code (never C, I, K, M, O or V).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Directory:
    path: Path
    rows: int
    expected_postcodes: int  # live with a grid reference, plus terminated


def _postcodes(count: int) -> Iterator[str]:
    """`count` distinct, valid, sorted postcodes: AA1 0AA, AA1 0AB, ..."""
    produced = 0
    for first in "ABCDEFGHJKLMNOPRSTUWYZ":
        for second in "ABDEFGHKLMNPRSTUWY":
            for district in range(1, 30):
                for sector in range(10):
                    for a in _INWARD_LETTERS:
                        for b in _INWARD_LETTERS:
                            yield f"{first}{second}{district} {sector}{a}{b}"
                            produced += 1
                            if produced == count:
                                return


def generate(path: Path, rows: int, *, seed: int = 2025) -> Directory:
    """Write a synthetic directory of `rows` postcodes in the November 2025 layout."""
    rng = random.Random(seed)
    expected = 0
    with path.open("w", newline="") as f:
        f.write(HEADER + "\n")
        for n, pcds in enumerate(_postcodes(rows)):
            outward, inward = pcds.split(" ")
            pcd7 = f"{outward:<4}{inward}"
            pcd8 = f"{outward:<5}{inward}"
            ward = f"E05{n // 2000:06d}"  # about 2,000 postcodes to a ward (real: ~300-3,000)
            council = f"E06{n // 40000:06d}"
            dointr = f"{1980 + n % 45}{1 + n % 12:02d}"
            roll = rng.random()
            doterm = f"{2000 + n % 25}{1 + n % 12:02d}" if roll < 0.33 else ""
            if 0.33 <= roll < 0.335:
                lat, lon, east, north = "99.999999", "0.000000", "", ""  # no grid reference
            else:
                lat = f"{rng.uniform(50.0, 55.8):.6f}"
                lon = f"{rng.uniform(-5.5, 1.7):.6f}"
                east, north = (
                    f"{rng.randrange(100000, 650000)}",
                    f"{rng.randrange(10000, 1200000):07d}",
                )
            expected += doterm != "" or lat != "99.999999"
            middle = _MIDDLE.format(east=east, north=north)
            f.write(
                f'"{pcd7}","{pcd8}","{pcds}","{dointr}","{doterm}","E99999999","E99999999",'
                f'"{council}","{ward}",{middle},{lat},{lon},{_TAIL}\n'
            )
    return Directory(path, rows, expected)


# --- Running and measuring ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    database: str
    run: str
    rows: int
    seconds: float
    peak_mb: float
    ok: bool
    note: str = ""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def measure(
    database: str, run: str, rows: int, command: Sequence[str], env: dict[str, str]
) -> Measurement:
    """Run `command` as a subprocess; its wall time and its own peak resident memory."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        # wait4 gives the resource usage of this child alone (RUSAGE_CHILDREN would give the
        # largest of every child so far).
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        output = out.read().decode(errors="replace")
    ok = process.returncode == 0
    if not ok:
        print(output, file=sys.stderr)
    return Measurement(
        database, run, rows, seconds, usage.ru_maxrss / 1024, ok, "" if ok else "FAILED"
    )


def _environment(database_url: str) -> dict[str, str]:
    # Production settings: with DEBUG on, Django also records every query it runs.
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        ALLOWED_HOSTS="localhost",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def _migrate(database_url: str) -> None:
    subprocess.run(
        _manage("migrate", "--noinput", "-v", "0"),
        cwd=ROOT,
        env=_environment(database_url),
        check=True,
    )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            admin.execute(f'CREATE DATABASE "{name}"')


def _count_postcodes(database: str, url: str, path: Path | None) -> int:
    if database == "SQLite" and path is not None:
        with sqlite3.connect(path) as db:
            return int(db.execute("SELECT count(*) FROM places_postcode").fetchone()[0])
    with psycopg.connect(url) as db:
        row = db.execute("SELECT count(*) FROM places_postcode").fetchone()
        return int(row[0]) if row else 0


def bench_database(
    database: str, url: str, directory: Directory, sqlite_path: Path | None
) -> list[Measurement]:
    env = _environment(url)
    file = str(directory.path)
    importer = _manage("import_postcodes", file, "--no-progress")
    reference = [sys.executable, "-m", "bench.postcodes", "--reference", url, file]
    results = [measure(database, "import_postcodes (empty)", directory.rows, importer, env)]
    count = _count_postcodes(database, url, sqlite_path)
    if count != directory.expected_postcodes:
        results.append(
            Measurement(
                database, f"WRONG COUNT {count} != {directory.expected_postcodes}", 0, 0, 0, False
            )
        )
    results.append(measure(database, "import_postcodes (again)", directory.rows, importer, env))
    results.append(
        measure(database, "reference: csv + executemany", directory.rows, reference, env)
    )
    return results


# --- The reference loader (run as a subprocess by the benchmark) --------------------------------


def _reference_rows(path: Path) -> Iterator[tuple[str, str, str, float, float, str]]:
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        pcds, ward, council = header.index("pcds"), header.index("wd25cd"), header.index("lad25cd")
        lat, lon, doterm = header.index("lat"), header.index("long"), header.index("doterm")
        for row in reader:
            yield row[pcds], row[ward], row[council], float(row[lat]), float(row[lon]), row[doterm]


def _batches(
    rows: Iterator[tuple[str, str, str, float, float, str]],
) -> Iterator[list[tuple[str, str, str, float, float, str]]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == REFERENCE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


_REFERENCE_TABLE = (
    "CREATE TABLE reference_postcode (postcode varchar(8) PRIMARY KEY, ward_code varchar(9), "
    "council_code varchar(9), latitude double precision, longitude double precision, "
    "doterm varchar(6))"
)


def reference_load(url: str, path: Path) -> None:
    """csv.reader and executemany INSERT in batches: what a minimal loader costs."""
    if url.startswith("sqlite:"):
        db = sqlite3.connect(urlsplit(url).path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("DROP TABLE IF EXISTS reference_postcode")
        db.execute(_REFERENCE_TABLE)
        for batch in _batches(_reference_rows(path)):
            db.executemany("INSERT INTO reference_postcode VALUES (?, ?, ?, ?, ?, ?)", batch)
            db.commit()
        db.close()
        return
    with psycopg.connect(url) as pg:
        pg.execute("DROP TABLE IF EXISTS reference_postcode")
        pg.execute(_REFERENCE_TABLE)
        pg.commit()
        with pg.cursor() as cursor:
            for batch in _batches(_reference_rows(path)):
                cursor.executemany(
                    "INSERT INTO reference_postcode VALUES (%s, %s, %s, %s, %s, %s)", batch
                )
                pg.commit()


# --- Report ------------------------------------------------------------------------------------


def print_table(results: Sequence[Measurement], out: Callable[[str], None] = print) -> None:
    out(f"{'database':<11}{'run':<32}{'rows':>11}{'seconds':>10}{'rows/s':>10}{'peak MB':>9}")
    for r in results:
        if not r.ok and not r.rows:
            out(f"{r.database:<11}{r.run}")
            continue
        out(
            f"{r.database:<11}{r.run:<32}{r.rows:>11,}{r.seconds:>10.1f}"
            f"{r.rows_per_second:>10,.0f}{r.peak_mb:>9.0f}  {r.note}".rstrip()
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.postcodes", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows in the directory")
    parser.add_argument(
        "--workdir", type=Path, help="where to write files (default: a temp dir in var/)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated file and SQLite db")
    parser.add_argument(
        "--only", choices=["sqlite", "postgres"], help="benchmark one database only"
    )
    parser.add_argument("--reference", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference:
        reference_load(args.reference[0], Path(args.reference[1]))
        return 0

    (ROOT / "var").mkdir(exist_ok=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-postcodes-", dir=ROOT / "var"))
    workdir.mkdir(parents=True, exist_ok=True)
    postgres_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    results: list[Measurement] = []
    try:
        start = time.perf_counter()
        directory = generate(workdir / "onspd_synthetic.csv", args.rows)
        size_mb = directory.path.stat().st_size / 1024 / 1024
        print(
            f"Generated {args.rows:,} rows ({size_mb:,.0f} MB, {directory.expected_postcodes:,} "
            f"to import) in {time.perf_counter() - start:.0f} s: {directory.path}",
            flush=True,
        )
        if args.only in (None, "sqlite"):
            sqlite_path = workdir / "bench.sqlite3"
            sqlite_url = f"sqlite:///{sqlite_path}"
            _migrate(sqlite_url)
            results += bench_database("SQLite", sqlite_url, directory, sqlite_path)
            print_table(results)
        if args.only in (None, "postgres"):
            try:
                _recreate_postgres(postgres_url)
            except psycopg.OperationalError as error:
                print(f"PostgreSQL skipped: {error}", file=sys.stderr)
            else:
                try:
                    _migrate(postgres_url)
                    results += bench_database("PostgreSQL", postgres_url, directory, None)
                finally:
                    _recreate_postgres(postgres_url, drop_only=True)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Postcode import, {args.rows:,} rows, batch size from settings; "
        f"{os.cpu_count()} CPUs, load average now {load}"
    )
    print_table(results)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
