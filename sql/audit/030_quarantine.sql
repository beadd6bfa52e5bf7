-- Fact rows held back from publishing by a row-level check, with the words they came from.
create schema if not exists audit;

create table if not exists audit.quarantine (
    run_id varchar not null,
    table_name varchar not null,
    check_name varchar not null,
    row_key bigint not null,
    article_key bigint,
    article_id varchar,
    offending_values varchar,
    evidence varchar,
    quarantined_at timestamp not null
);
