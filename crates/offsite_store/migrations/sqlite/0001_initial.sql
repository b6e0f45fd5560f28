-- offsite_store schema 1 (SQLite). Keep in step with ../postgres/0001_initial.sql:
-- same tables, columns and indexes; only the id and float types differ.

-- One row per group key; kept for `aggregate_retention_secs` after last_seen_ms.
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    directive TEXT NOT NULL,
    blocked_origin TEXT NOT NULL,
    document_host TEXT NOT NULL,
    source_file TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    total BIGINT NOT NULL,
    -- rows in `samples` for this group; bounds the samples kept per group
    samples_kept BIGINT NOT NULL DEFAULT 0,
    UNIQUE (directive, blocked_origin, document_host, source_file)
);
CREATE INDEX groups_last_seen ON groups (last_seen_ms);

-- Reports per group per time bucket.
CREATE TABLE buckets (
    group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    bucket_start_ms BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (group_id, bucket_start_ms)
) WITHOUT ROWID;
CREATE INDEX buckets_start ON buckets (bucket_start_ms);

-- Raw normalised reports, at most `samples_per_group` per group.
CREATE TABLE samples (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    received_ms BIGINT NOT NULL,
    format TEXT NOT NULL,
    disposition TEXT NOT NULL,
    directive TEXT NOT NULL,
    blocked_kind TEXT NOT NULL,
    blocked_value TEXT,
    document TEXT NOT NULL,
    document_host TEXT,
    source_file TEXT,
    line BIGINT,
    column_number BIGINT,
    status_code BIGINT,
    sample TEXT,
    browser TEXT,
    source TEXT
);
CREATE INDEX samples_group_received ON samples (group_id, received_ms);
CREATE INDEX samples_received ON samples (received_ms);

-- Which page or script a group was attributed to; replaced as a whole.
CREATE TABLE attributions (
    group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    page TEXT NOT NULL,
    gadget TEXT,
    url TEXT,
    line BIGINT,
    method TEXT NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (group_id, position)
);

-- Reports dropped by the noise filter, per reason per bucket.
CREATE TABLE filtered (
    reason TEXT NOT NULL,
    bucket_start_ms BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (reason, bucket_start_ms)
);
