"""The only code that touches the assessments database (`assessments`).

Results carry their ``assessment.completed`` event in an outbox (one single-document write).
Drafts are keyed ``<client id>:<assessment key>``: saving one is a replace by ``_id``.
Occupations are keyed by their O*NET-SOC code and labour-market figures by
``<region>:<scheme>:<code>``, so an import that runs again updates rather than duplicates;
the ``catalog`` document's ``version`` changes whenever an import changed anything, which is
what every running replica watches to reload its in-memory table.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from nameko.extensions import DependencyProvider
from pymongo import InsertOne, UpdateOne
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError, PyMongoError

from services.assessments.catalog import (
    default_esco_skills,
    default_requirements,
    default_table,
    overlay,
    title_index,
)
from services.assessments.domain import (
    LabourFigures,
    Occupation,
    OccupationTable,
    figures_from_doc,
    occupation_from_doc,
)
from services.assessments.pathways import Graph, related_graph
from services.assessments.readers import ImportFailed, WriteCounts
from services.assessments.skills import Vocabulary, vocabulary_of
from services.assessments.titles import TitleIndex
from shared.config import load_settings
from shared.ids import new_id
from shared.mongo import Store, connect, database_name, encode_cursor, now, page, upsert, with_outbox
from shared.people import People

DATABASE = "assessments"
CATALOG = "catalog"
WRITE_BATCH = 250
DUPLICATE_KEY = 11000
PACKED = ("answers", "matches")


def labour_id(region: str, scheme: str, code: str) -> str:
    return f"{region}:{scheme}:{code}"


def draft_id(client_id: str, key: str) -> str:
    """The id of a client's draft, and of their latest result, of one assessment."""
    return f"{client_id}:{key}"


def counsel_id(client_id: str, counselor_id: str) -> str:
    return f"{client_id}:{counselor_id}"


def _form_id(org_id: str, version: int) -> str:
    return f"{org_id}:v{version}"


def _current_form_id(org_id: str) -> str:
    return f"{org_id}:current"


class AssessmentsStore(People, Store):
    OUTBOX_COLLECTIONS = ("results",)

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.results = db["results"]
        self.latest = db["latest_results"]
        self.drafts = db["drafts"]
        self.people = db["people"]
        self.branches = db["branches"]
        self.counsel = db["counsel"]
        self.occupations = db["occupations"]
        self.labour_market = db["labour_market"]
        self.meta = db["meta"]
        self.imports = db["imports"]
        self.requirements = db["requirements"]
        self.esco_skills = db["esco_skills"]
        self.skill_decisions = db["skill_decisions"]
        self.intake_forms = db["intake_forms"]  # intake (#15): one document per form version
        self.intakes = db["intakes"]  # intake (#15): one document per client
        self.measure_responses = db["measure_responses"]  # outcome measures (#18): one per answer
        self._reliability: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        # FerretDB (and ferretdb-indexes.sql's GIN copy) indexes each field of a compound index:
        # this one serves the equality reads by client_id that results_of_clients makes.
        self.results.create_index([("client_id", 1), ("key", 1)])
        self.results.create_index([("org_id", 1), ("branch_id", 1)])
        self.counsel.create_index("counselor_id")
        self.counsel.create_index("client_id")
        self.skill_decisions.create_index("client_id")
        self.measure_responses.create_index([("client_id", 1), ("measure", 1)])

    # People, branches and who counsels whom (kept from events) ------------------------------------

    def remember_branch(self, branch: dict[str, Any]) -> None:
        upsert(self.branches, {"_id": branch["branch_id"]}, {**branch, "_id": branch["branch_id"]})

    def branch(self, branch_id: str) -> dict[str, Any] | None:
        return self.branches.find_one({"_id": branch_id}, {"_id": 0})

    def remember_counsel(
        self, client_id: str, counselor: dict[str, Any], org_id: str, since: datetime
    ) -> None:
        upsert(
            self.counsel,
            {"_id": counsel_id(client_id, counselor["user_id"])},
            {
                "$set": {"counselor": counselor, "org_id": org_id},
                "$setOnInsert": {
                    "client_id": client_id,
                    "counselor_id": counselor["user_id"],
                    "since": since,
                },
            },
        )

    def counsels(self, counselor_id: str, client_id: str) -> bool:
        return self.counsel.find_one({"_id": counsel_id(client_id, counselor_id)}, {"_id": 1}) is not None

    def counselors_of(self, client_id: str) -> list[dict[str, Any]]:
        return [doc["counselor"] for doc in self.counsel.find({"client_id": client_id}).sort("_id", 1)]

    def clients_of(self, counselor_id: str) -> list[str]:
        docs = self.counsel.find({"counselor_id": counselor_id}, {"client_id": 1})
        return [doc["client_id"] for doc in docs]

    # Drafts --------------------------------------------------------------------------------------

    def save_draft(self, client_id: str, key: str, answers: dict[str, int], at: datetime) -> dict[str, Any]:
        doc: dict[str, Any] = {"_id": draft_id(client_id, key), "client_id": client_id, "key": key}
        doc.update(answers=answers, updated_at=at)
        upsert(self.drafts, {"_id": doc["_id"]}, doc)
        return doc

    def draft(self, client_id: str, key: str) -> dict[str, Any] | None:
        return self.drafts.find_one({"_id": draft_id(client_id, key)})

    def discard_draft(self, client_id: str, key: str) -> bool:
        return self.drafts.delete_one({"_id": draft_id(client_id, key)}).deleted_count == 1

    # Results -------------------------------------------------------------------------------------

    def add_result(self, doc: dict[str, Any], events: list[dict[str, Any]]) -> None:
        """The result with its event, then the client's latest of that kind (read by ``_id``)."""
        self.results.insert_one(with_outbox(_packed(doc), events))
        latest = {"result_id": doc["_id"], "scores": doc["scores"], "top_values": doc.get("top_values", [])}
        # One document per client and kind, replaced whole: FerretDB's updates of one document
        # by two writers at once can lose one of them.
        key = draft_id(doc["client_id"], doc["key"])
        upsert(self.latest, {"_id": key}, {"_id": key, **latest})

    def result(self, result_id: str) -> dict[str, Any] | None:
        doc = self.results.find_one({"_id": result_id}, {"outbox": 0, "outbox_pending": 0})
        return _unpacked(doc) if doc else None

    def results_where(
        self, query: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        docs, next_cursor = page(self.results, query, limit, cursor)
        return [_shown(doc) for doc in docs], next_cursor

    def results_of_clients(
        self, client_ids: list[str], query: dict[str, Any], limit: int, cursor: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of several clients' results in ``_id`` order, as ``results_where`` gives with
        ``client_id: {$in: client_ids}``, read as one equality query per client.

        FerretDB 1.24 pushes only top-level equality down to PostgreSQL: ``$in`` would read every
        result of the organization. Each client's read brings at most ``limit`` results past the
        cursor and says whether that client has more; merged in ``_id`` order, the first ``limit``
        are the page, and there is a next page when more than ``limit`` were found or a client
        had more.
        """
        found: list[dict[str, Any]] = []
        more = False
        for client_id in dict.fromkeys(client_ids):
            docs, next_cursor = page(self.results, {**query, "client_id": client_id}, limit, cursor)
            found.extend(docs)
            more = more or next_cursor is not None
        found.sort(key=lambda doc: str(doc["_id"]))
        more = more or len(found) > limit
        docs = found[:limit]
        return [_shown(doc) for doc in docs], encode_cursor(str(docs[-1]["_id"])) if more else None

    def latest_result(self, client_id: str, key: str) -> dict[str, Any] | None:
        """``{result_id, scores, top_values}`` of the client's latest result of ``key``, if any.

        One read by ``_id``: a query by client with a sort would scan every result on
        FerretDB's SQLite backend.
        """
        return self.latest.find_one({"_id": draft_id(client_id, key)}, {"_id": 0})

    # The occupations table ---------------------------------------------------------------------------

    def catalog_version(self) -> str | None:
        doc = self.meta.find_one({"_id": CATALOG}, {"version": 1})
        return doc["version"] if doc else None

    def imported_occupations(self) -> list[Occupation]:
        return [occupation_from_doc(doc) for doc in self.occupations.find({})]

    def imported_labour(self) -> list[LabourFigures]:
        return [figures_from_doc(doc) for doc in self.labour_market.find({})]

    def write_occupations(self, docs: dict[str, dict[str, Any]], progress: Any, dry_run: bool) -> WriteCounts:
        return self._write(self.occupations, docs, progress, "Writing occupations", dry_run)

    def write_labour(self, docs: dict[str, dict[str, Any]], progress: Any, dry_run: bool) -> WriteCounts:
        return self._write(self.labour_market, docs, progress, "Writing labour rows", dry_run)

    def _write(
        self,
        collection: Collection[dict[str, Any]],
        docs: dict[str, dict[str, Any]],
        progress: Any,
        label: str,
        dry_run: bool,
    ) -> WriteCounts:
        """Upsert by ``_id`` only what is new or changed; the fields not named stay as they were."""
        names = {name for doc in docs.values() for name in doc}
        existing = {doc["_id"]: doc for doc in collection.find({}, dict.fromkeys(names, 1))}
        counts = WriteCounts()
        at = now()
        writes: list[InsertOne[dict[str, Any]] | UpdateOne] = []
        changes: list[tuple[str, dict[str, Any]]] = []
        for doc_id, doc in docs.items():
            old = existing.get(doc_id)
            change = {**doc, "updated_at": at}
            if old is None:
                counts.added += 1
                writes.append(InsertOne({"_id": doc_id, **change}))
            elif any(old.get(name) != value for name, value in doc.items()):
                counts.updated += 1
                writes.append(UpdateOne({"_id": doc_id}, {"$set": change}))
            else:
                counts.unchanged += 1
                continue
            changes.append((doc_id, change))
        if dry_run:
            return counts
        update = progress.track(label, len(writes))
        for start in range(0, len(writes), WRITE_BATCH):
            batch = writes[start : start + WRITE_BATCH]
            try:
                collection.bulk_write(batch, ordered=False)
            except BulkWriteError as exc:
                # Another import added some of these meanwhile: update them instead.
                for error in exc.details.get("writeErrors", []):
                    if error.get("code") != DUPLICATE_KEY:
                        raise
                    doc_id, change = changes[start + error["index"]]
                    collection.update_one({"_id": doc_id}, {"$set": change})
            update(min(start + WRITE_BATCH, len(writes)))
        return counts

    def write_requirements(
        self, docs: dict[str, dict[str, Any]], progress: Any, dry_run: bool
    ) -> WriteCounts:
        return self._write(self.requirements, docs, progress, "Writing requirements", dry_run)

    def write_esco_skills(self, docs: dict[str, dict[str, Any]], progress: Any, dry_run: bool) -> WriteCounts:
        return self._write(self.esco_skills, docs, progress, "Writing ESCO skills", dry_run)

    def imported_requirements(self, code: str) -> dict[str, Any] | None:
        """What an import brought about one occupation's requirements (read by ``_id``)."""
        return self.requirements.find_one({"_id": code}, {"updated_at": 0})

    def imported_titles(self) -> list[dict[str, Any]]:
        fields = {"title": 1, "alternate_titles": 1, "esco_titles": 1}
        return list(self.requirements.find({}, fields))

    def imported_related(self) -> dict[str, list[dict[str, Any]]]:
        """Each imported occupation's related occupations (O*NET's list), by code."""
        return {
            str(doc["_id"]): doc["related"]
            for doc in self.requirements.find({}, {"related": 1})
            if doc.get("related")
        }

    # Decisions about a client's mapped skills -------------------------------------------------------

    def decide_skill(self, client_id: str, key: str, decision: dict[str, Any]) -> None:
        """One document per client and skill, replaced whole: deciding again is the same write."""
        doc_id = f"{client_id}:{key}"
        upsert(
            self.skill_decisions,
            {"_id": doc_id},
            {"_id": doc_id, "client_id": client_id, "key": key, **decision},
        )

    def skill_decisions_of(self, client_id: str) -> dict[str, dict[str, Any]]:
        docs = self.skill_decisions.find({"client_id": client_id}, {"_id": 0, "client_id": 0})
        return {doc.pop("key"): doc for doc in docs}

    # Intake forms and clients' intake (intake.py, #15) ---------------------------------------------
    #
    # Each version of an organization's form is its own document, ``<org id>:v<version>``: adding a
    # version is an insert whose ``_id`` makes a racing one fail (atomic on FerretDB too). The
    # ``<org id>:current`` document names the latest version written, as a hint only: the versions
    # after it are found by reading by ``_id`` until one is missing. A client's intake is one
    # document keyed by the client's id, replaced whole.

    def intake_form(self, org_id: str) -> dict[str, Any] | None:
        """The organization's latest intake form, if it ever set one."""
        hint = self.intake_forms.find_one({"_id": _current_form_id(org_id)}, {"version": 1})
        version = int(hint["version"]) if hint else 0
        latest = self.intake_forms.find_one({"_id": _form_id(org_id, version)}) if version else None
        while True:
            following = self.intake_forms.find_one({"_id": _form_id(org_id, version + 1)})
            if following is None:
                return latest
            latest, version = following, version + 1

    def add_intake_form(self, doc: dict[str, Any]) -> bool:
        """Write version ``doc["version"]`` of the form; False when another request wrote it first."""
        org_id, version = doc["org_id"], doc["version"]
        try:
            self.intake_forms.insert_one({**doc, "_id": _form_id(org_id, version)})
        except DuplicateKeyError:
            return False
        hint = _current_form_id(org_id)
        try:
            upsert(self.intake_forms, {"_id": hint}, {"_id": hint, "org_id": org_id, "version": version})
        except PyMongoError:
            pass  # only a hint: readers find the newer version by _id anyway
        return True

    def intake(self, client_id: str) -> dict[str, Any] | None:
        return self.intakes.find_one({"_id": client_id})

    def save_intake(self, doc: dict[str, Any]) -> None:
        upsert(self.intakes, {"_id": doc["_id"]}, doc)

    # Outcome measures (outcomes.py, #18) ------------------------------------------------------------

    def add_measure_response(self, doc: dict[str, Any]) -> None:
        """One answer to a measure (its id derived from the request: a retried request writes it once)."""
        try:
            self.measure_responses.insert_one(doc)
        except DuplicateKeyError:
            pass
        self._reliability.pop(doc["measure"], None)  # this process reads its own answers at once

    def measure_responses_of(self, client_id: str, key: str) -> list[dict[str, Any]]:
        """A client's answers to one measure, oldest first."""
        docs = self.measure_responses.find({"client_id": client_id, "measure": key})
        return sorted(docs, key=lambda doc: (doc["created_at"], doc["_id"]))

    def measure_answers(self, key: str, max_age_seconds: float = 600.0) -> list[dict[str, Any]]:
        """Every response's answers and score to one measure (what its reliability is estimated from),
        read again at most every ``max_age_seconds`` per process: the estimate moves slowly."""
        kept = self._reliability.get(key)
        if kept is not None and time.monotonic() - kept[0] < max_age_seconds:
            return kept[1]
        found = list(self.measure_responses.find({"measure": key}, {"_id": 0, "answers": 1, "score": 1}))
        self._reliability[key] = (time.monotonic(), found)
        return found

    def record_import(self, report: list[str], changed: int) -> str:
        at = now()
        import_id = new_id("imp")
        self.imports.insert_one({"_id": import_id, "at": at, "changed": changed, "report": report})
        if changed:
            upsert(self.meta, {"_id": CATALOG}, {"$set": {"version": import_id, "changed_at": at}})
        return import_id


class OccupationCatalog(DependencyProvider):
    """The occupations table, in memory per process: ``self.catalog.table(self.store)`` in a worker.

    Read once, then the process asks the database at most every
    ``NJIA_OCCUPATIONS_REFRESH_SECONDS`` whether an import changed it (one read by ``_id``).
    """

    def setup(self) -> None:
        self.refresh_seconds = load_settings(self.container.config).occupations_refresh_seconds
        self._lock = threading.Lock()
        self._table: OccupationTable | None = None
        self._titles: TitleIndex | None = None
        self._titles_of: OccupationTable | None = None
        self._vocabulary: Vocabulary | None = None
        self._moves: Graph | None = None
        self._moves_of: OccupationTable | None = None
        self._version: str | None = None
        self._checked = 0.0

    def get_dependency(self, worker_ctx: Any) -> OccupationCatalog:
        return self

    def table(self, store: AssessmentsStore) -> OccupationTable:
        if self._table is not None and time.monotonic() - self._checked < self.refresh_seconds:
            return self._table
        with self._lock:
            if self._table is None or time.monotonic() - self._checked >= self.refresh_seconds:
                version = store.catalog_version()
                if self._table is None or version != self._version:
                    self._table = overlay(
                        default_table(), store.imported_occupations(), store.imported_labour()
                    )
                    self._version = version
                self._checked = time.monotonic()
        return self._table

    def start(self) -> None:
        """The skills vocabulary takes seconds to index: built now, off any request's path."""
        self.container.spawn_managed_thread(self.vocabulary)

    def vocabulary(self) -> Vocabulary:
        """O*NET's elements and technologies and ESCO's skills, as shipped, for mapping free text."""
        with self._lock:
            if self._vocabulary is None:
                self._vocabulary = vocabulary_of(default_requirements().values(), default_esco_skills())
        return self._vocabulary

    def titles(self, store: AssessmentsStore) -> TitleIndex:
        """Every occupation by its titles, rebuilt when the table is (an import changed something)."""
        table = self.table(store)
        with self._lock:
            if self._titles is None or self._titles_of is not table:
                self._titles = title_index(table, default_requirements(), store.imported_titles())
                self._titles_of = table
        return self._titles

    def moves(self, store: AssessmentsStore) -> Graph:
        """The related-occupations graph pathways walk, rebuilt when the table is."""
        table = self.table(store)
        with self._lock:
            if self._moves is None or self._moves_of is not table:
                related = {code: doc.get("related") or [] for code, doc in default_requirements().items()}
                related.update(store.imported_related())
                self._moves = related_graph(related, (o.code for o in table.occupations))
                self._moves_of = table
        return self._moves


def _packed(doc: dict[str, Any]) -> dict[str, Any]:
    """A result with its bulky parts (answers, matches) as one JSON text: FerretDB decodes a
    result of 20 nested matches in ~4.6 ms, the same as text in ~1.2 ms."""
    packed = {k: v for k, v in doc.items() if k not in PACKED}
    packed["detail"] = json.dumps({k: doc[k] for k in PACKED if k in doc}, separators=(",", ":"))
    return packed


def _shown(doc: dict[str, Any]) -> dict[str, Any]:
    """A result as the service reads it: unpacked, without its outbox."""
    doc.pop("outbox", None)
    doc.pop("outbox_pending", None)
    return _unpacked(doc)


def _unpacked(doc: dict[str, Any]) -> dict[str, Any]:
    detail = doc.pop("detail", None)
    return {**doc, **json.loads(detail)} if detail else doc


@contextmanager
def open_store(mongo_uri: str | None = None, db_prefix: str | None = None) -> Iterator[AssessmentsStore]:
    """The store outside a nameko container (the importer): settings from the environment."""
    settings = load_settings()
    client = connect(mongo_uri or settings.mongo_uri)
    try:
        store = AssessmentsStore(client[database_name(db_prefix or settings.mongo_db_prefix, DATABASE)])
        try:
            store.ensure_indexes()
        except PyMongoError as exc:
            raise ImportFailed(f"the database does not answer: {exc}") from None
        yield store
    finally:
        client.close()
