"""Locust users of the load test (issue 18 item 3); started by loadtests/run.py, never imported by the app.

Three kinds of staff, as many of each as `fixed_count` says (50 in all): caseworkers search persons with
the list's POST search, open persons and run lifecycle steps (a household or a single person arrives, a
single resident moves out); shelter managers look at the board and a shelter, choose and confirm an
allocation, place whole households; analysts read the statistics, the occupancy and forecast pages and
request committee reports. Each works in the session of its own account, which the runner logged in
before the run (JSON login; then the session cookie and the pages' CSRF token, as a browser does).

What they work on comes from the pools file the runner wrote ($LOADTEST_POOLS, JSON): ids drawn from the
database before the run. Persons made to arrive by a caseworker are handed to the shelter managers in
this process, so arrivals and allocations meet in the same rooms, as they would in a city hall. The
outcome of every lifecycle step (done or refused with a message) is counted and written to
$LOADTEST_OUTCOMES at the end.
"""
from __future__ import annotations

import json
import os
import random
import re
from collections import Counter, deque
from datetime import date

from locust import HttpUser, between, events, task

with open(os.environ["LOADTEST_POOLS"], encoding="utf-8") as _f:
    POOLS = json.load(_f)
TODAY = date.today().isoformat()
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
OUTCOMES: Counter = Counter()

# Shared by all users of this process: each id is worked on by one user only.
announced_households = deque(POOLS["announced_households"])
announced_singles = deque(POOLS["announced_singles"])
residents_single = deque(POOLS["accommodated_singles"])
arrived_households = deque(POOLS["arrived_households"])
arrived_singles = deque(POOLS["arrived_singles"])
sessions = {kind: deque(logins) for kind, logins in POOLS["sessions"].items()}


def _outcome(kind: str, resp) -> None:
    text = resp.text if resp is not None and resp.status_code == 200 else ""
    if "alert-success" in text:
        OUTCOMES[f"{kind}: done"] += 1
    elif "alert-danger" in text or "alert-error" in text:
        OUTCOMES[f"{kind}: refused"] += 1
    else:
        OUTCOMES[f"{kind}: no message"] += 1


@events.quitting.add_listener
def _write_outcomes(environment, **_):
    path = os.environ.get("LOADTEST_OUTCOMES")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(dict(OUTCOMES), f, indent=1, sort_keys=True)


class Staff(HttpUser):
    abstract = True
    kind = ""
    token = ""

    def on_start(self):
        # Logged in by the runner before the run (argon2 costs a second of CPU by design; 50 logins at
        # once would measure the login storm, not the work): the session cookie and its CSRF token.
        login = sessions[self.kind].popleft()
        self.client.cookies.set(login["cookie_name"], login["cookie"])
        self.token = login["csrf"]

    def csrf(self, url: str, name: str) -> str:
        resp = self.client.get(url, name=name)
        match = CSRF.search(resp.text)
        return match.group(1) if match else self.token

    def post_form(self, url: str, data: dict, name: str):
        with self.client.post(url, data={**data, "csrf_token": self.token}, name=name,
                              catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}")
            elif "/login" in resp.url:
                resp.failure("sent to the login page")
            return resp


PERSON_PAGE, PERSON_STEP = "/admin/person/details/?id={}", "/admin/person/transition/{}/"


class Caseworker(Staff):
    fixed_count = 30
    kind = "caseworker"
    wait_time = between(1, 4)

    @task(5)
    def search(self):
        term = random.choice(POOLS["search_terms"])
        # The POST search redirects to the list under a token; the redirect is followed (one entry).
        self.post_form("/admin/person/search/", {"search": term}, name="person search (POST, list)")

    @task(2)
    def person_list(self):
        self.client.get("/admin/person/", name="person list page 1")

    @task(6)
    def open_person(self):
        self.client.get(f"/admin/person/details/?id={random.choice(POOLS['open_persons'])}",
                        name="person page")

    def _lifecycle_step(self, waiting: deque, page: str, action: str, data: dict, label: str,
                        done: deque | None = None) -> None:
        """Take the next id from `waiting`, open its page, post the step; a success passes it on to `done`."""
        if not waiting:
            return
        entity_id = waiting.popleft()
        self.client.get(page.format(entity_id), name=page.split("/")[2] + " page")
        resp = self.post_form(action.format(entity_id), {**data, "date": TODAY}, name=f"transition: {label}")
        _outcome(label, resp)
        if done is not None and resp is not None and resp.status_code == 200 and "alert-success" in resp.text:
            done.append(entity_id)

    @task(1)
    def household_arrives(self):
        self._lifecycle_step(announced_households, "/admin/household/details/?id={}",
                             "/admin/household/move/{}/", {"event": "arrive", "confirmed": "1"},
                             "household arrives", arrived_households)

    @task(1)
    def person_arrives(self):
        self._lifecycle_step(announced_singles, PERSON_PAGE, PERSON_STEP, {"event": "arrive"},
                             "person arrives", arrived_singles)

    @task(1)
    def resident_moves_out(self):
        self._lifecycle_step(residents_single, PERSON_PAGE, PERSON_STEP, {"event": "move_out"},
                             "resident moves out")


class ShelterManager(Staff):
    fixed_count = 10
    kind = "shelter_manager"
    wait_time = between(1, 4)

    @task(3)
    def board(self):
        self.client.get("/admin/board/", name="board")

    @task(3)
    def shelter(self):
        self.client.get(f"/admin/board/{random.choice(POOLS['shelters'])}/", name="shelter board")

    @task(1)
    def free_bed_finder(self):
        size = random.randint(1, 6)
        self.client.get(f"/admin/board/?size={size}&composition=familie", name="board: free-bed finder")

    @task(2)
    def allocate_person(self):
        """Choose a room on a shelter's board, see the confirmation, confirm (refused when full)."""
        if not arrived_singles:
            return
        pid = arrived_singles.popleft()
        shelter = random.choice(POOLS["shelters"])
        room = random.choice(POOLS["rooms"][str(shelter)])
        self.client.get(f"/admin/board/choose/?room_id={room}&shelter_id_back={shelter}",
                        name="board: choose a person")
        form = {"event": "allocate", "person_id": str(pid), "room_id": str(room), "date": TODAY,
                "shelter_id_back": str(shelter)}
        self.post_form("/admin/board/allocate/", form, name="board: confirmation page")
        resp = self.post_form("/admin/board/allocate/", {**form, "confirmed": "1",
                                                          "override_reason": "Lasttest"},
                              name="transition: allocate a person")
        _outcome("allocate a person", resp)
        if resp is not None and "alert-success" not in resp.text:
            arrived_singles.append(pid)  # the room was full: try another one later

    @task(2)
    def place_household(self):
        if not arrived_households:
            return
        hid = arrived_households.popleft()
        shelter = random.choice(POOLS["shelters"])
        form = {"event": "allocate", "shelter_id": str(shelter), "date": TODAY}
        self.post_form(f"/admin/household/move/{hid}/", form, name="household: confirmation page")
        resp = self.post_form(f"/admin/household/move/{hid}/", {**form, "confirmed": "1",
                                                                 "override_reason": "Lasttest"},
                              name="transition: place a household")
        _outcome("place a household", resp)
        if resp is not None and "alert-success" not in resp.text:
            arrived_households.append(hid)


class Analyst(Staff):
    fixed_count = 10
    kind = "analyst"
    wait_time = between(2, 6)

    @task(5)
    def statistics(self):
        self.client.get("/admin/stats/", name="statistics")

    @task(2)
    def occupancy(self):
        self.client.get("/admin/stats/belegung/", name="statistics: occupancy")

    @task(1)
    def forecast(self):
        self.client.get("/admin/stats/prognose/", name="statistics: forecast")

    @task(2)
    def reports_page(self):
        self.client.get("/admin/reports/", name="reports page")
        self.client.get("/admin/reports/status", name="reports: status")

    @task(1)
    def request_report(self):
        committee = random.choice(POOLS["committees"])
        period = random.choice(POOLS["periods"])
        self.post_form("/admin/reports/request", {"committee": committee, "period": period},
                       name="reports: request")
