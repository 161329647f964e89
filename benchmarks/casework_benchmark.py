"""Case work benchmark: person page, case page, search and the known-person check with
1 million people and 5 million incidents in PostgreSQL, 50 concurrent signed-in users.

Run it against a throwaway PostgreSQL server::

    SAFERHUB_HTTPS=false bash scripts/with-postgres .venv/bin/python \
        benchmarks/casework_benchmark.py [--people 1000000 --incidents 5000000]

What it does:

1. migrates the database and creates a partnership with two organisations ("own": the
   district council whose caseworkers are the users; "other": the police, whose records the
   users see only where shared) and 50 caseworkers;
2. generates synthetic records with bulk SQL (INSERT ... SELECT generate_series): people
   (half each organisation; names from a synthetic vocabulary with the real blocking keys
   computed by saferhub.people.matching), places, incidents with a victim and, for one in
   three, a perpetrator, cases with their people, reviews and notes, and shares of 1% of the
   other organisation's records; then ANALYZE;
3. starts gunicorn on loopback as `saferhub run` does, signs the 50 users in through the
   real sign-in page, answers the purpose-of-access question for the records each will
   open, and runs the users concurrently in Python threads: each first sends each of the
   four requests once, unmeasured (a warm-up: every worker has then loaded its templates),
   waits for the others, starts after a random part of one think time (so requests arrive
   at the steady rate from the start, not 50 at once), then picks one of the four requests
   at random, sends it, and thinks for 0.5 to 1.5 s (so 50 users offer about 50 requests a
   second, like a busy office; --think changes the pace); requests are bounded in number
   and time;
4. beside it in the same run, the naive version of each query, in-process against the same
   database: the person page's incidents and flags with one access check per incident
   (N+1), the case page's people with one access check per person, search with
   ``family_name ILIKE '%text%'`` and an exact count over the visible people, and the
   known-person check scoring every visible person with a similar family name found by a
   leading-wildcard ILIKE (no blocking keys).

Reports p50/p95/p99/max per request type, errors, throughput, the load generator's own CPU
per request (it shares the cores with the server) and the naive timings.

For profiling rather than load (no HTTP): ``--profile N`` sends N requests of each type
in-process through the whole middleware stack as one signed-in caseworker and reports
queries, Python function calls, Python CPU and PostgreSQL CPU per request
(``--show-queries`` prints their SQL). ``--reuse`` runs against records an earlier run
generated in a long-lived server named by DATABASE_URL, e.g. build once with
``--people 100000 --incidents 500000 --profile 1`` against your own server, then profile
again with ``--reuse --profile 20``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

KINDS = ("person", "case", "search", "check")
PASSWORD = "benchmark-password-that-is-long-42"  # noqa: S105 - a throwaway benchmark account

GIVEN = [
    "Aaron",
    "Abigail",
    "Adam",
    "Aisha",
    "Alan",
    "Alex",
    "Alice",
    "Amanda",
    "Amir",
    "Amy",
    "Andrew",
    "Angela",
    "Ann",
    "Anthony",
    "Arjun",
    "Ava",
    "Barbara",
    "Ben",
    "Beth",
    "Bill",
    "Bob",
    "Brian",
    "Callum",
    "Carl",
    "Caroline",
    "Catherine",
    "Charles",
    "Charlotte",
    "Chloe",
    "Chris",
    "Claire",
    "Connor",
    "Craig",
    "Daniel",
    "Darren",
    "David",
    "Dean",
    "Debbie",
    "Diane",
    "Dominic",
    "Donna",
    "Edward",
    "Eleanor",
    "Elizabeth",
    "Ellie",
    "Emily",
    "Emma",
    "Eric",
    "Ethan",
    "Faisal",
    "Fatima",
    "Finley",
    "Fiona",
    "Frank",
    "Gareth",
    "Gary",
    "Gemma",
    "George",
    "Grace",
    "Graham",
    "Hannah",
    "Harry",
    "Hassan",
    "Helen",
    "Henry",
    "Holly",
    "Ian",
    "Imran",
    "Isaac",
    "Isla",
    "Jack",
    "Jacob",
    "James",
    "Jane",
    "Jason",
    "Jasmine",
    "Jennifer",
    "Jessica",
    "Joan",
    "John",
    "Jon",
    "Joseph",
    "Joshua",
    "Julie",
    "Karen",
    "Kate",
    "Katie",
    "Keith",
    "Kelly",
    "Kevin",
    "Kieran",
    "Laura",
    "Lauren",
    "Lee",
    "Leo",
    "Liam",
    "Lily",
    "Lisa",
    "Liz",
    "Louise",
    "Lucy",
    "Luke",
    "Mandy",
    "Margaret",
    "Maria",
    "Mark",
    "Martin",
    "Mary",
    "Matthew",
    "Megan",
    "Michael",
    "Michelle",
    "Mike",
    "Mohammed",
    "Molly",
    "Natalie",
    "Neil",
    "Nicola",
    "Nina",
    "Noah",
    "Oliver",
    "Olivia",
    "Omar",
    "Oscar",
    "Patricia",
    "Paul",
    "Peter",
    "Philip",
    "Priya",
    "Rachel",
    "Ravi",
    "Rebecca",
    "Richard",
    "Rob",
    "Robert",
    "Rosie",
    "Ruby",
    "Ryan",
    "Sally",
    "Sam",
    "Samantha",
    "Sarah",
    "Scott",
    "Sean",
    "Sharon",
    "Simon",
    "Sophie",
    "Stephen",
    "Steve",
    "Stuart",
    "Susan",
    "Tanya",
    "Thomas",
    "Tom",
    "Tony",
    "Tracey",
    "Victoria",
    "Wayne",
    "William",
    "Yusuf",
    "Zara",
]
FAMILY_STEMS = [
    "Ash",
    "Bar",
    "Bell",
    "Black",
    "Brad",
    "Brook",
    "Bur",
    "Cald",
    "Carr",
    "Chap",
    "Clay",
    "Cole",
    "Corn",
    "Cran",
    "Dal",
    "Dun",
    "East",
    "Ed",
    "Fair",
    "Farn",
    "Fell",
    "Fox",
    "Gar",
    "Glen",
    "Gold",
    "Green",
    "Hal",
    "Ham",
    "Hart",
    "Hay",
    "Heath",
    "Hol",
    "Kent",
    "Kings",
    "Lang",
    "Lee",
    "Lin",
    "Long",
    "Mar",
    "Mill",
    "Mor",
    "New",
    "North",
    "Oak",
    "Pen",
    "Ray",
    "Red",
    "Rich",
    "Rock",
    "Ros",
    "Sal",
    "Sand",
    "Shaw",
    "Shel",
    "Stan",
    "Stock",
    "Sut",
    "Thorn",
    "Wal",
    "War",
    "Wat",
    "West",
    "Whit",
    "Wil",
    "Win",
    "Wood",
    "York",
]
FAMILY_ENDS = [
    "by",
    "ford",
    "ham",
    "ley",
    "ton",
    "well",
    "wood",
    "worth",
    "field",
    "man",
    "son",
    "more",
    "ridge",
    "stone",
    "dale",
    "hurst",
    "cote",
    "brook",
    "wick",
    "combe",
    "den",
    "gate",
    "hill",
    "land",
    "lock",
    "low",
    "mere",
    "mont",
    "ock",
    "row",
    "ston",
    "thorpe",
    "ville",
    "wright",
    "ward",
    "more",
    "cliff",
    "wood",
    "bury",
    "ney",
    "stead",
    "ings",
    "ett",
    "ard",
    "cott",
    "lake",
    "marsh",
]
CATEGORIES = (
    "asb:personal",
    "asb:nuisance",
    "asb:environmental",
    "domestic_abuse",
    "crime:Criminal damage and arson",
    "crime:Violence and sexual offences",
    "crime:Public order",
    "hate_incident",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Session:
    """A signed-in browser: cookies kept between requests to one server, one connection
    reused while the server keeps it open (kept cheap: it shares the cores with the
    server)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
        *,
        read_token: bool = False,
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers.update(extra or {})
        data = None
        if body is not None:
            # The CSRF cookie's secret is accepted as the form token: no page parsing needed.
            token = self.csrf or self.cookies.get("csrftoken", "")
            data = urlencode({"csrfmiddlewaretoken": token, **body})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None  # the server closed a kept connection: open a new one
                if attempt:
                    raise
        if response.will_close:
            self.conn.close()
            self.conn = None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0].strip('"')
        if read_token:
            match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
            if match:
                self.csrf = match.group(1).decode()
        return response.status, content, dict(response.getheaders())

    def sign_in(self, username: str) -> None:
        self.request("GET", "/account/sign-in", read_token=True)
        status, _, _ = self.request(
            "POST", "/account/sign-in", {"username": username, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed: {status}")
        self.csrf = ""  # sign-in rotates the CSRF secret: use the new cookie from now on
        self.request("GET", "/cases/")


def setup_django(data_dir: Path) -> None:
    os.environ.update(
        {
            "SAFERHUB_DATA_DIR": str(data_dir),
            "SAFERHUB_HTTPS": "false",
            "DJANGO_SETTINGS_MODULE": "saferhub.config.settings",
        }
    )
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run under scripts/with-postgres: DATABASE_URL must point at PostgreSQL")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def create_organisations(users: int) -> tuple[object, object, list[str]]:
    from saferhub.organisations import services
    from saferhub.organisations.models import Organisation, Partnership
    from saferhub.organisations.rules import Role

    csp = services.partnership_create(
        actor=None,
        name="Benchshire Community Safety Partnership",
        kind=Partnership.Kind.CSP,
        require_two_factor=False,
    )
    own = services.organisation_create(
        actor=None,
        name="Benchshire District Council",
        kind=Organisation.Kind.DISTRICT_COUNCIL,
        partnerships=[csp],
    )
    other = services.organisation_create(
        actor=None,
        name="Benchshire Police",
        kind=Organisation.Kind.POLICE_FORCE,
        partnerships=[csp],
    )
    names = []
    for index in range(users):
        name = f"bench-worker-{index}"
        services.member_add(
            actor=None,
            organisation=own,
            username=name,
            first_name="Bench",
            last_name=f"Worker {index}",
            email=f"{name}@example.test",
            role=Role.CASEWORKER,
            password=PASSWORD,
        )
        names.append(name)
    return own, other, names


def generate(
    *, people: int, incidents: int, own_id: int, other_id: int, user_id: int
) -> dict[str, float]:
    """Bulk synthetic data; returns seconds per step."""
    from django.db import connection

    from saferhub.people.matching import normalise_name, phonetic_key, stored_given_key

    families = sorted({s + e for s in FAMILY_STEMS for e in FAMILY_ENDS})
    timings: dict[str, float] = {}
    with connection.cursor() as cur:
        started = time.perf_counter()
        cur.execute("CREATE TEMP TABLE g_names (i int PRIMARY KEY, given text, gkey text)")
        cur.executemany(
            "INSERT INTO g_names VALUES (%s, %s, %s)",
            [(i, g, stored_given_key(g)) for i, g in enumerate(GIVEN)],
        )
        cur.execute(
            "CREATE TEMP TABLE f_names (i int PRIMARY KEY, family text, fnorm text, fkey text)"
        )
        cur.executemany(
            "INSERT INTO f_names VALUES (%s, %s, %s, %s)",
            [(i, f, normalise_name(f), phonetic_key(f)) for i, f in enumerate(families)],
        )
        cur.execute(
            """
            INSERT INTO people_person (owner_organisation_id, given_name, family_name,
                date_of_birth, gender, ethnicity, first_language, interpreter_needed, disability,
                vulnerabilities, phone, email, address, postcode, safe_contact_instructions,
                created_at, created_by_id, updated_at, version, family_norm, family_key, given_key)
            SELECT CASE WHEN g %% 2 = 0 THEN %(own)s ELSE %(other)s END, gn.given, fn.family,
                date '1940-01-01' + ((g * 7919) %% 27000)::int, 'not_known', '', '', false, '', '',
                '', '', '', '', '', now(), %(user)s, now(), 1, fn.fnorm, fn.fkey, gn.gkey
            FROM generate_series(1::bigint, %(n)s) AS g
            JOIN g_names gn ON gn.i = g %% %(gcount)s
            JOIN f_names fn ON fn.i = (g / %(gcount)s + g * 31) %% %(fcount)s
            """,
            {
                "own": own_id,
                "other": other_id,
                "user": user_id,
                "n": people,
                "gcount": len(GIVEN),
                "fcount": len(families),
            },
        )
        timings["people"] = time.perf_counter() - started

        started = time.perf_counter()
        places = max(1000, people // 5)
        cur.execute(
            """
            INSERT INTO places_place (owner_organisation_id, name, address, postcode, uprn,
                lsoa_code, ward_code, district_code, geography_note, created_at, created_by_id)
            SELECT CASE WHEN g %% 2 = 0 THEN %(own)s ELSE %(other)s END, 'Place ' || g,
                g || ' High Street', 'LE' || (g %% 20 + 1) || ' ' || (g %% 9 + 1) || 'AB', '',
                '', '', '', '', now(), %(user)s
            FROM generate_series(1::bigint, %(n)s) AS g
            """,
            {"own": own_id, "other": other_id, "user": user_id, "n": places},
        )
        cur.execute("SELECT min(id) FROM people_person")
        person_min = cur.fetchone()[0]
        cur.execute("SELECT min(id) FROM places_place")
        place_min = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO incidents_incident (owner_organisation_id, reference, occurred_at,
                category, hate_strand, markers, narrative, place_id, created_at, created_by_id)
            SELECT CASE WHEN g %% 2 = 0 THEN %(own)s ELSE %(other)s END, 'REF' || g,
                now() - ((g * 37) %% 1095) * interval '1 day' - (g %% 86400) * interval '1 second',
                (%(cats)s::text[])[(1 + g %% %(ncat)s)::int],
                CASE WHEN g %% %(ncat)s = %(ncat)s - 1 THEN 'race' ELSE '' END,
                '[]'::jsonb, 'Synthetic narrative', %(place_min)s + (g * 13) %% %(places)s,
                now(), %(user)s
            FROM generate_series(1::bigint, %(n)s) AS g
            """,
            {
                "own": own_id,
                "other": other_id,
                "user": user_id,
                "n": incidents,
                "cats": list(CATEGORIES),
                "ncat": len(CATEGORIES),
                "place_min": place_min,
                "places": places,
            },
        )
        timings["incidents"] = time.perf_counter() - started

        started = time.perf_counter()
        cur.execute(
            """
            INSERT INTO incidents_involvement (incident_id, person_id, role)
            SELECT i.id, %(pmin)s + ((i.id * 7) %% %(people)s), 'victim' FROM incidents_incident i
            """,
            {"pmin": person_min, "people": people},
        )
        cur.execute(
            """
            INSERT INTO incidents_involvement (incident_id, person_id, role)
            SELECT i.id, %(pmin)s + ((i.id * 7 + 1) %% %(people)s), 'perpetrator'
            FROM incidents_incident i WHERE i.id %% 3 = 0
            """,
            {"pmin": person_min, "people": people},
        )
        timings["involvements"] = time.perf_counter() - started

        started = time.perf_counter()
        cases = max(1000, people // 10)
        cur.execute(
            """
            INSERT INTO cases_case (case_type, reference, title, summary, owner_organisation_id,
                lead_officer_id, status, opened_at, outcome, closure_notes, created_by_id, version,
                review_interval_reason)
            SELECT (ARRAY['asb','domestic_abuse','complex'])[(1 + g %% 3)::int], 'BENCH-' || g,
                'Synthetic case ' || g, 'Synthetic summary',
                CASE WHEN g %% 2 = 0 THEN %(own)s ELSE %(other)s END, %(user)s,
                CASE WHEN g %% 5 = 0 THEN 'closed' ELSE 'open' END,
                now() - ((g * 11) %% 900) * interval '1 day', '', '', %(user)s, 1, ''
            FROM generate_series(1::bigint, %(n)s) AS g
            """,
            {"own": own_id, "other": other_id, "user": user_id, "n": cases},
        )
        cur.execute(
            """
            INSERT INTO cases_caseperson (case_id, person_id, role)
            SELECT c.id, %(pmin)s + ((c.id * 7) %% %(people)s), 'victim' FROM cases_case c
            """,
            {"pmin": person_min, "people": people},
        )
        cur.execute(
            """
            INSERT INTO cases_caseperson (case_id, person_id, role)
            SELECT c.id, %(pmin)s + ((c.id * 7 + 1) %% %(people)s), 'perpetrator'
            FROM cases_case c WHERE c.id %% 2 = 0
            """,
            {"pmin": person_min, "people": people},
        )
        cur.execute(
            """
            INSERT INTO cases_case_incidents (case_id, incident_id)
            SELECT c.id, i.id FROM cases_case c
            JOIN incidents_incident i ON i.id = (SELECT min(id) FROM incidents_incident) + c.id * 3
            """
        )
        cur.execute(
            """
            INSERT INTO cases_casereview (case_id, due_on, notes)
            SELECT id, (opened_at + interval '28 days')::date, '' FROM cases_case
            WHERE status = 'open'
            """
        )
        cur.execute(
            """
            INSERT INTO cases_casenote (case_id, text, author_id, organisation_id, created_at)
            SELECT id, 'Synthetic note', %(user)s, owner_organisation_id, opened_at FROM cases_case
            """,
            {"user": user_id},
        )
        for record_type, table in (
            ("person", "people_person"),
            ("incident", "incidents_incident"),
            ("case", "cases_case"),
        ):
            cur.execute(
                f"""
                INSERT INTO sharing_recordshare (record_type, record_id, owner_organisation_id,
                    organisation_id, access_level, legal_basis, reason, granted_by_id,
                    granted_at, expires_on, origin_type)
                SELECT %(type)s, id, %(other)s, %(own)s, 'view', 'cda_1998_s115',
                    'Benchmark share', %(user)s, now(), current_date + 365, ''
                FROM {table} WHERE owner_organisation_id = %(other)s AND id %% 100 = 1
                """,  # noqa: S608 - table names are constants above
                {"type": record_type, "own": own_id, "other": other_id, "user": user_id},
            )
        timings["cases_and_shares"] = time.perf_counter() - started
        started = time.perf_counter()
        cur.execute("ANALYZE")
        timings["analyze"] = time.perf_counter() - started
    return timings


def existing_organisations(users: int) -> tuple[object, object, list[str]]:
    """The organisations and caseworkers an earlier run created (with --reuse)."""
    from saferhub.organisations.models import Organisation

    own = Organisation.objects.get(name="Benchshire District Council")
    other = Organisation.objects.get(name="Benchshire Police")
    return own, other, [f"bench-worker-{index}" for index in range(users)]


def profile_requests(
    username: str,
    person_ids: list[int],
    case_ids: list[int],
    families: list[str],
    n: int,
    *,
    show_queries: bool = False,
) -> None:
    """The four requests in-process, one signed-in caseworker, through the whole middleware
    stack (Django's test client): queries, Python function calls (cProfile: a count that
    does not depend on how busy the machine is), Python CPU (the lowest of five batches)
    and the CPU the PostgreSQL backend spent (from /proc), per request."""
    import cProfile
    import pstats

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from saferhub.cases.purpose import remember_purpose

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    people, cases = person_ids[:50], case_ids[:50]
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.session
    for kind, ids in (("person", people), ("case", cases)):
        for record_id in ids:
            remember_purpose(session, f"{kind}:{record_id}", "Supervision")
    session.save()

    def send(kind: str, i: int) -> None:
        family = families[(i * 7) % len(families)]
        if kind == "person page":
            response = client.get(f"/people/{people[i % len(people)]}/")
            ok = b"Timeline" in response.content
        elif kind == "case page":
            response = client.get(f"/cases/{cases[i % len(cases)]}/")
            ok = b"Synthetic case" in response.content
        elif kind == "search (people)":
            response = client.get("/search/", {"q": family, "kind": "people"})
            ok = b"Results" in response.content
        else:
            response = client.post(
                "/people/check",
                {
                    "given_name": ("Bill", "Liz", "Jon", "Sam")[i % 4],
                    "family_name": family[:-1] + "e",
                    "date_of_birth_0": "3",
                    "date_of_birth_1": "4",
                    "date_of_birth_2": "1980",
                },
                HTTP_HX_REQUEST="true",
            )
            ok = b"known-people" in response.content
        if response.status_code != 200 or not ok:
            raise RuntimeError(f"{kind}: {response.status_code}")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def postgres_cpu() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    print(f"In-process, {n} requests of each type, signed in as {username}:")
    for kind in ("person page", "case page", "search (people)", "known-person check"):
        send(kind, 0)
        with CaptureQueriesContext(connection) as queries:
            send(kind, 1)
        count = len(queries.captured_queries)
        if show_queries:
            for query in queries.captured_queries:
                print("   ", query["sql"][:160])
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(n):
            send(kind, i)
        profiler.disable()
        calls = pstats.Stats(profiler).total_calls / n  # type: ignore[attr-defined]
        python, database = [], []
        for batch in range(5):
            cpu, pg = time.process_time(), postgres_cpu()
            for i in range(n):
                send(kind, batch * n + i)
            python.append((time.process_time() - cpu) / n * 1000)
            database.append((postgres_cpu() - pg) / n * 1000)
        print(
            f"  {kind:<20} {count:3d} queries  "
            f"{calls / 1000:5.1f}k Python calls  Python CPU {min(python):5.1f} ms  "
            f"PostgreSQL CPU {statistics.median(database):5.1f} ms"
        )


def naive_timings(
    username: str, person_ids: list[int], case_ids: list[int], families: list[str], runs: int
) -> dict[str, list[float]]:
    """The naive version of each query, in-process, on the same database."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.http import Http404

    from saferhub.cases.access import access_case
    from saferhub.cases.flags import person_flags
    from saferhub.cases.selectors import case_detail, case_people, person_timeline
    from saferhub.incidents.access import access_incident
    from saferhub.incidents.models import Incident
    from saferhub.people.access import access_person, people_visible_to
    from saferhub.people.matching import Candidate, Entered, NameRecord, best_matches
    from saferhub.people.selectors import known_person_candidates, people_search, person_detail

    user = get_user_model().objects.get(username=username)
    out: dict[str, list[float]] = defaultdict(list)
    for index in range(runs):
        person_id = person_ids[index % len(person_ids)]
        started = time.perf_counter()
        access_person(user, person_id)
        for incident in Incident.objects.filter(involvements__person_id=person_id):
            try:  # one access check per incident (N+1), then every involvement
                access_incident(user, incident.pk)
                list(incident.involvements.all())
            except Http404:
                pass
        out["person page (naive: per-incident access checks, N+1)"].append(
            time.perf_counter() - started
        )

        case_id = case_ids[index % len(case_ids)]
        started = time.perf_counter()
        case = access_case(user, case_id)
        for link in case.case_people.all():
            try:
                person = access_person(user, link.person_id)
                for incident in Incident.objects.filter(involvements__person=person):
                    access_incident(user, incident.pk)
            except Http404:
                pass
        out["case page (naive: per-person and per-incident checks)"].append(
            time.perf_counter() - started
        )

        family = families[index % len(families)]
        started = time.perf_counter()
        matches = people_visible_to(user).filter(family_name__icontains=family[:5])
        matches.count()
        list(matches.order_by("family_name", "given_name")[:20])
        out["search (naive: ILIKE '%text%' and exact count)"].append(time.perf_counter() - started)

        started = time.perf_counter()
        candidates = [
            Candidate(p.pk, (NameRecord(p.given_name, p.family_name),), p.date_of_birth)
            for p in people_visible_to(user).filter(
                Q(family_name__icontains=family[1:4]) | Q(given_name__iexact="William")
            )
        ]
        best_matches(Entered("William", family), candidates)
        out["known-person check (naive: wildcard scan, score all)"].append(
            time.perf_counter() - started
        )

        # The same reads as SaferHub does them, in-process, for a like-for-like comparison.
        started = time.perf_counter()
        person_detail(actor=user, person_id=person_id, purpose="Benchmark")
        person_flags(actor=user, person_id=person_id)
        person_timeline(actor=user, person_id=person_id)
        out["person page reads (SaferHub selectors)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        case = case_detail(actor=user, case_id=case_id, purpose="Benchmark")
        for pid, *_ in case_people(actor=user, case=case):
            person_flags(actor=user, person_id=pid)
        out["case page reads (SaferHub selectors)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        list(people_search(actor=user, text=family, page=1).object_list)
        out["search (SaferHub: indexed prefix on normalised name)"].append(
            time.perf_counter() - started
        )
        started = time.perf_counter()
        known_person_candidates(actor=user, given_name="William", family_name=family)
        out["known-person check (SaferHub: blocking keys)"].append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=5_000_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=60, help="per user")
    parser.add_argument(
        "--workers", type=int, default=None, help="default: as `saferhub run` (2 per core + 1)"
    )
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--max-seconds", type=float, default=240.0)
    parser.add_argument("--naive-runs", type=int, default=20, help="0: skip the naive reads")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the records an earlier run generated in this database (a long-lived "
        "server named by DATABASE_URL) instead of generating them",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="no load test: N requests of each type in-process (Django's test client, one "
        "signed-in caseworker), reporting queries, Python function calls, Python CPU and "
        "PostgreSQL CPU per request",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="with --profile: print each request's SQL"
    )
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="saferhub-casework-bench-"))
    setup_django(data_dir)
    from django.contrib.auth import get_user_model
    from django.db import connection

    generation: dict[str, float] = {}
    if args.reuse:
        own, other, usernames = existing_organisations(args.users)
    else:
        own, other, usernames = create_organisations(args.users)
        first_user = get_user_model().objects.get(username=usernames[0])
        generation = generate(
            people=args.people,
            incidents=args.incidents,
            own_id=own.pk,  # type: ignore[attr-defined]
            other_id=other.pk,  # type: ignore[attr-defined]
            user_id=first_user.pk,
        )
    with connection.cursor() as cur:
        counts = {}
        for table in (
            "people_person",
            "incidents_incident",
            "incidents_involvement",
            "cases_case",
            "sharing_recordshare",
        ):
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
            counts[table] = cur.fetchone()[0]
        cur.execute(
            "SELECT id FROM people_person WHERE owner_organisation_id = %s ORDER BY id LIMIT 5000",
            [own.pk],  # type: ignore[attr-defined]
        )
        person_ids = [row[0] for row in cur.fetchall()][::10]
        cur.execute(
            "SELECT id FROM cases_case WHERE owner_organisation_id = %s ORDER BY id LIMIT 5000",
            [own.pk],  # type: ignore[attr-defined]
        )
        case_ids = [row[0] for row in cur.fetchall()][::10]
    families = sorted({s + e for s in FAMILY_STEMS for e in FAMILY_ENDS})
    rng = random.Random(42)
    if args.profile:
        print("Rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        profile_requests(
            usernames[0],
            person_ids,
            case_ids,
            families,
            args.profile,
            show_queries=args.show_queries,
        )
        return

    from saferhub.cli import gunicorn_worker_options

    port = free_port()
    worker_options = gunicorn_worker_options(args.workers)  # the same as `saferhub run`
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "saferhub.config.wsgi",
            f"--bind=127.0.0.1:{port}",
            *worker_options,
            "--forwarded-allow-ips=127.0.0.1",
            "--timeout=120",
        ],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        sessions = []
        plans: list[tuple[list[int], list[int]]] = []
        for index, name in enumerate(usernames):
            session = Session(port)
            session.sign_in(name)
            mine_people = person_ids[index :: len(usernames)][:10] or person_ids[:10]
            mine_cases = case_ids[index :: len(usernames)][:10] or case_ids[:10]
            for kind, ids in (("person", mine_people), ("case", mine_cases)):
                for record_id in ids:
                    session.request(
                        "POST",
                        "/purpose/",
                        {
                            "scope": f"{kind}:{record_id}",
                            "next": "/cases/",
                            "purpose": "Supervision",
                        },
                    )
            sessions.append(session)
            plans.append((mine_people, mine_cases))
        lock = threading.Lock()
        measured = {"began": 0.0, "cpu": 0.0, "stop_at": 0.0}

        def start_measuring() -> None:
            measured["began"] = time.perf_counter()
            measured["cpu"] = time.process_time()
            measured["stop_at"] = time.monotonic() + args.max_seconds

        # Every user first sends each request once, unmeasured (each worker then has its
        # templates and URL patterns loaded); all wait for one another, then each starts
        # after a random part of one think time, so the measured requests arrive at the
        # steady rate from the first second instead of 50 at the same instant.
        warmed = threading.Barrier(len(sessions), action=start_measuring)

        def send(
            session: Session, plan: tuple[list[int], list[int]], kind: str, local: random.Random
        ) -> tuple[bool, object]:
            family = local.choice(families)
            try:
                if kind == "person":
                    status, body, _ = session.request("GET", f"/people/{local.choice(plan[0])}/")
                    return status == 200 and b"Timeline" in body, status
                if kind == "case":
                    status, body, _ = session.request("GET", f"/cases/{local.choice(plan[1])}/")
                    return status == 200 and b"Synthetic case" in body, status
                if kind == "search":
                    status, body, _ = session.request(
                        "GET", "/search/?" + urlencode({"q": family, "kind": "people"})
                    )
                    return status == 200 and b"Results" in body, status
                status, body, _ = session.request(
                    "POST",
                    "/people/check",
                    {
                        "given_name": local.choice(("Bill", "Liz", "Jon", "Sam")),
                        "family_name": family[:-1] + "e",
                        "date_of_birth_0": "3",
                        "date_of_birth_1": "4",
                        "date_of_birth_2": "1980",
                    },
                    {"HX-Request": "true"},
                )
                return status == 200 and b"known-people" in body, status
            except OSError as error:
                return False, str(error)

        def user(session: Session, plan: tuple[list[int], list[int]], seed: int) -> None:
            local = random.Random(seed)
            for kind in KINDS:
                ok, status = send(session, plan, kind, local)
                if not ok:
                    with lock:
                        errors.append(f"warm-up {kind} {status}")
            warmed.wait()
            time.sleep(local.uniform(0, args.think))
            for _ in range(args.requests):
                if time.monotonic() > measured["stop_at"]:
                    return
                kind = local.choice(KINDS)
                started = time.perf_counter()
                ok, status = send(session, plan, kind, local)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[kind].append(elapsed)
                    if not ok:
                        errors.append(f"{kind} {status}")
                time.sleep(local.uniform(0.5 * args.think, 1.5 * args.think))

        threads = [
            threading.Thread(target=user, args=(s, p, i))
            for i, (s, p) in enumerate(zip(sessions, plans, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        began, load_cpu = measured["began"], measured["cpu"]
        wall = time.perf_counter() - began
        load_cpu = time.process_time() - load_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)

    naive = (
        naive_timings(usernames[0], person_ids[:50], case_ids[:50], families[::7], args.naive_runs)
        if args.naive_runs
        else {}
    )

    total = sum(len(v) for v in latencies.values())
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("Rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(
        "Generation: "
        + (", ".join(f"{k} {v:.0f} s" for k, v in generation.items()) or "reused (--reuse)")
    )
    print(
        f"{args.users} users, think time {0.5 * args.think:.1f}-{1.5 * args.think:.1f} s, gunicorn "
        f"{worker_options[0].split('=')[1]} sync workers: {total} requests in {wall:.1f} s ({total / wall:.1f} req/s), "
        f"errors {len(errors)}"
    )
    print(
        f"Load generator's own CPU: {load_cpu / max(total, 1) * 1000:.1f} ms a request "
        f"({load_cpu / wall * 100:.0f}% of one core)"
    )
    labels = {
        "person": "person page",
        "case": "case page",
        "search": "search (people)",
        "check": "known-person check",
    }
    for kind, values in latencies.items():
        ms = [v * 1000 for v in values]
        print(
            f"  {labels[kind]:<22} n={len(ms):>4}  p50 {statistics.median(ms):6.0f} ms  "
            f"p95 {percentile(ms, 0.95):6.0f} ms  p99 {percentile(ms, 0.99):6.0f} ms  max {max(ms):6.0f} ms"
        )
    if naive:
        print("In-process, same database, one at a time (naive beside SaferHub's own reads):")
    for label, values in naive.items():
        ms = [v * 1000 for v in values]
        print(
            f"  {label:<58} p50 {statistics.median(ms):7.0f} ms  p95 {percentile(ms, 0.95):7.0f} ms"
        )
    if errors:
        print("Errors:", errors[:10])
    _ = rng


if __name__ == "__main__":
    main()
