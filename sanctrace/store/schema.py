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
    # 1 -> 2: sanctions lists, each version replacing the last, with the history of what changed.
    """
    CREATE TABLE list_versions (
        list_id     VARCHAR NOT NULL,                -- stable across versions: eu-fsf, us-ofac-sdn, ...
        document_id VARCHAR NOT NULL,                -- sha256 of the file(s) of this version
        sources     VARCHAR NOT NULL,                -- the file names, comma-separated
        format      VARCHAR NOT NULL,                -- eu-fsf-xml | ofac-sdn-xml | ofac-advanced-xml | ...
        title       VARCHAR,
        issued_on   VARCHAR,                         -- the date the list states it was published
        ingested_at TIMESTAMPTZ NOT NULL,
        records     BIGINT NOT NULL,
        added       BIGINT NOT NULL,
        changed     BIGINT NOT NULL,
        delisted    BIGINT NOT NULL
    );
    CREATE TABLE listed_entities (
        list_id     VARCHAR NOT NULL,
        entity_id   VARCHAR NOT NULL,
        schema      VARCHAR NOT NULL,
        caption     VARCHAR,
        listed      BOOLEAN NOT NULL,                -- a listed party; else a related entity (address, ownership)
        programme   VARCHAR,
        listed_on   VARCHAR,
        record_id   VARCHAR,                         -- the record's id on the list
        body        JSON NOT NULL,                   -- the FollowTheMoney entity
        fingerprint VARCHAR NOT NULL,                -- sha256 of entity and listing: tells a changed record
        document_id VARCHAR NOT NULL,
        PRIMARY KEY (list_id, entity_id)
    );
    CREATE TABLE list_changes (
        list_id     VARCHAR NOT NULL,
        document_id VARCHAR NOT NULL,
        entity_id   VARCHAR NOT NULL,
        change      VARCHAR NOT NULL,                -- added | changed | delisted
        caption     VARCHAR,
        changed_at  TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX list_changes_by_list ON list_changes (list_id);
    """,
    # 2 -> 3: the lots of each GTIN, kept as events arrive (tracing by date code looks lots up by GTIN).
    """
    CREATE TABLE lots (
        object       VARCHAR PRIMARY KEY,            -- the LGTIN as a Digital Link
        gtin         VARCHAR NOT NULL,
        lot          VARCHAR NOT NULL,
        first_seen   TIMESTAMPTZ NOT NULL,           -- its earliest event (its commissioning, normally)
        commissioned DOUBLE                          -- the quantity its commissioning event states
    );
    CREATE INDEX lots_by_gtin ON lots (gtin);
    INSERT INTO lots
    SELECT o.object,
           regexp_extract(o.object, '^https://id[.]gs1[.]org/01/([0-9]{14})/10/', 1),
           regexp_extract(o.object, '/10/(.+)$', 1),
           min(e.event_time),
           max(CASE WHEN e.biz_step = 'https://ref.gs1.org/cbv/BizStep-commissioning' THEN o.quantity END)
    FROM event_objects o JOIN events e ON e.event_id = o.event_id
    WHERE regexp_matches(o.object, '^https://id[.]gs1[.]org/01/[0-9]{14}/10/.+$')
    GROUP BY o.object;
    """,
    # 3 -> 4: serialised instances commissioned with a CBV lotNumber in their ILMD name their lot (LGTIN) as an
    # object of the commissioning event (role ilmd_lot), so that the lot's custody is found by its identifier.
    # Backfilled for lot numbers of plain characters (new events get every lot number, percent-encoded).
    """
    INSERT INTO event_objects
    SELECT e.event_id, 'ilmd_lot',
           'https://id.gs1.org/01/' || regexp_extract(o.object, '^https://id[.]gs1[.]org/01/([0-9]{14})/21/', 1)
           || '/10/' || e.lot_number,
           count(*), NULL
    FROM (SELECT event_id,
                 coalesce(json_extract_string(body, '$.ilmd."{urn:epcglobal:cbv:mda:}lotNumber"'),
                          json_extract_string(body, '$.ilmd."{urn:epcglobal:cbv:mda}lotNumber"')) AS lot_number
          FROM events WHERE body LIKE '%lotNumber%') e
    JOIN event_objects o ON o.event_id = e.event_id AND o.role = 'epc'
    WHERE regexp_matches(e.lot_number, '^[A-Za-z0-9._-]{1,20}$')
      AND regexp_matches(o.object, '^https://id[.]gs1[.]org/01/[0-9]{14}/21/')
    GROUP BY ALL;
    """,
    # 4 -> 5: the serials of each serialised lot (a lot named only by the ILMD lotNumber of its commissioning: role
    # ilmd_lot) and every event naming some of them, kept as events arrive, so that tracing such a lot finds its
    # reels (and the events that packed, shipped or unpacked its serials) by the lot, without looking up each serial.
    # Backfilled from the stored events.
    """
    CREATE TABLE lot_serials (
        serial VARCHAR NOT NULL,                     -- an SGTIN commissioned with the lot number in its ILMD
        lot    VARCHAR NOT NULL                      -- that lot (the LGTIN of role ilmd_lot); each pair once
    );
    CREATE TABLE lot_serial_events (
        lot      VARCHAR NOT NULL,                   -- a lot of lot_serials
        event_id VARCHAR NOT NULL,                   -- an event naming some of its serials (retracted ones too)
        role     VARCHAR NOT NULL,                   -- the role they have there: epc | child | input | ...
        parent   VARCHAR,                            -- the event's parentID (the reel a packing puts them in)
        units    BIGINT NOT NULL,                    -- how many of the lot's serials the event names in that role
        PRIMARY KEY (lot, event_id, role)
    );
    CREATE INDEX lot_serial_events_by_lot ON lot_serial_events (lot);
    INSERT INTO lot_serials
    SELECT DISTINCT o.object, l.object
    FROM event_objects l JOIN event_objects o ON o.event_id = l.event_id AND o.role = 'epc'
    WHERE l.role = 'ilmd_lot' AND starts_with(o.object, split_part(l.object, '/10/', 1) || '/21/');
    INSERT INTO lot_serial_events
    WITH named AS (
        SELECT s.lot, o.event_id, o.role, count(*) AS units
        FROM lot_serials s JOIN event_objects o ON o.object = s.serial
        GROUP BY ALL)
    SELECT named.lot, named.event_id, named.role, p.object, named.units
    FROM named LEFT JOIN event_objects p ON p.event_id = named.event_id AND p.role = 'parent';
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
