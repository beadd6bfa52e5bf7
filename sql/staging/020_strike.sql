-- One row per strike fact, flattened with every attribute its dimensions are built from.
-- Counts stay DOUBLE here (as the extractor gave them) so the quality gate can see a
-- fractional figure instead of a silent rounding.
create schema if not exists staging;

create table if not exists staging.strike (
    strike_key bigint not null,
    article_key bigint not null,
    ordinal integer not null,
    extractor_version varchar not null,
    -- weapon
    weapon_key bigint,
    weapon_name varchar,
    weapon_category varchar,
    weapon_subcategory varchar,
    weapon_model varchar,
    -- figures
    launched double,
    launched_qualifier varchar,
    intercepted double,
    intercepted_qualifier varchar,
    -- when
    event_date date,
    date_precision varchar,
    -- where
    location_key bigint,
    location_name varchar,
    location_type varchar,
    admin1 varchar,
    country_code varchar,
    latitude double,
    longitude double,
    geonames_id bigint,
    -- who
    attacker_actor_key bigint,
    attacker_name varchar,
    attacker_type varchar,
    attacker_country_code varchar,
    -- evidence
    evidence varchar,
    evidence_start integer,
    evidence_end integer
);
