-- One row per pledge of money or materiel, flattened.
create schema if not exists staging;

create table if not exists staging.aid_pledge (
    pledge_key bigint not null,
    article_key bigint not null,
    ordinal integer not null,
    extractor_version varchar not null,
    -- donor
    donor_actor_key bigint,
    donor_name varchar,
    donor_type varchar,
    donor_country_code varchar,
    -- recipient
    recipient varchar,
    recipient_actor_key bigint,
    recipient_name varchar,
    recipient_type varchar,
    recipient_country_code varchar,
    -- figures
    amount double,
    currency varchar,
    amount_usd double,
    purpose varchar,
    -- when
    event_date date,
    date_precision varchar,
    -- evidence
    evidence varchar,
    evidence_start integer,
    evidence_end integer
);
