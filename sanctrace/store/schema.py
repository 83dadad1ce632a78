"""The ledger's tables, as numbered migrations. A store is always migrated forward to the newest version.

Never edit a migration that has shipped: add the next one. `MIGRATIONS[n]` takes a store from version n to n+1.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 0 -> 1: the custody ledger.
    """
    CREATE TABLE documents (
        document_id      VARCHAR PRIMARY KEY,   -- sha256 of the document's bytes
        source           VARCHAR NOT NULL,      -- file name as given (or '-' for standard input)
        format           VARCHAR NOT NULL,      -- json | xml-2.0 | xml-1.2 | parts-csv | sales-csv | ...
        kind             VARCHAR,               -- EPCISDocument | EPCISQueryDocument | eventList | ...
        reporter         VARCHAR,
        header           JSON,
        namespaces       JSON,
        ingested_at      TIMESTAMPTZ NOT NULL,
        records_read     BIGINT NOT NULL,
        records_new      BIGINT NOT NULL,
        records_rejected BIGINT NOT NULL
    );
    CREATE TABLE events (
        event_id               VARCHAR PRIMARY KEY,  -- eventID, else the CBV 2.0 event hash
        event_hash             VARCHAR NOT NULL,
        event_type             VARCHAR NOT NULL,
        action                 VARCHAR,
        event_time             TIMESTAMPTZ NOT NULL,
        event_time_zone_offset VARCHAR NOT NULL,
        record_time            TIMESTAMPTZ,
        biz_step               VARCHAR,
        disposition            VARCHAR,
        read_point             VARCHAR,
        biz_location           VARCHAR,
        transformation_id      VARCHAR,
        reporter               VARCHAR,
        origin                 VARCHAR NOT NULL,     -- epcis | sales_ledger
        document_id            VARCHAR NOT NULL,
        body                   JSON NOT NULL         -- the event in canonical JSON form
    );
    CREATE TABLE event_objects (
        event_id VARCHAR NOT NULL,
        role     VARCHAR NOT NULL,                   -- epc | quantity | parent | child | ... (model.OBJECT_ROLES)
        object   VARCHAR NOT NULL,                   -- canonical identifier
        quantity DOUBLE,
        uom      VARCHAR
    );
    CREATE INDEX event_objects_by_object ON event_objects (object);
    CREATE TABLE event_parties (
        event_id   VARCHAR NOT NULL,
        direction  VARCHAR NOT NULL,                 -- source | destination
        party_type VARCHAR NOT NULL,                 -- canonical CBV source/destination type
        party      VARCHAR NOT NULL
    );
    CREATE INDEX event_parties_by_party ON event_parties (party);
    CREATE TABLE event_transactions (
        event_id        VARCHAR NOT NULL,
        type            VARCHAR,
        biz_transaction VARCHAR NOT NULL
    );
    CREATE TABLE error_declarations (
        event_id             VARCHAR PRIMARY KEY,    -- the event declared erroneous
        declaration_time     TIMESTAMPTZ NOT NULL,
        reason               VARCHAR,
        corrective_event_ids VARCHAR[],
        document_id          VARCHAR NOT NULL
    );
    CREATE TABLE quarantine (
        quarantine_id VARCHAR PRIMARY KEY,           -- sha256 of document id + location
        document_id   VARCHAR NOT NULL,
        source        VARCHAR NOT NULL,
        record_index  BIGINT,                        -- event index in the document, or CSV data row number
        line          BIGINT,
        location      VARCHAR,                       -- JSON pointer / XPath of the record in the document
        pointer       VARCHAR,                       -- JSON pointer / XPath of the fault inside the record
        reason        VARCHAR NOT NULL,
        raw           VARCHAR,
        rejected_at   TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE parts (
        gtin         VARCHAR PRIMARY KEY,
        manufacturer VARCHAR NOT NULL,
        part_number  VARCHAR NOT NULL,
        hs_code      VARCHAR,
        description  VARCHAR,
        document_id  VARCHAR NOT NULL
    );
    CREATE TABLE entities (
        id          VARCHAR PRIMARY KEY,
        schema      VARCHAR NOT NULL,
        caption     VARCHAR,
        body        JSON NOT NULL,                   -- the FollowTheMoney entity (id, schema, properties, ...)
        document_id VARCHAR NOT NULL
    );
    CREATE TABLE recoveries (
        recovery_id   VARCHAR PRIMARY KEY,
        recovered_on  DATE,
        country       VARCHAR,
        weapon_system VARCHAR,
        manufacturer  VARCHAR,
        part_number   VARCHAR,
        lot_code      VARCHAR,
        date_code     VARCHAR,
        serial        VARCHAR,
        source        VARCHAR,
        document_id   VARCHAR NOT NULL
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
