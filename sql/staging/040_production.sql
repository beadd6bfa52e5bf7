-- One row per stated production figure or plan, flattened.
create schema if not exists staging;

create table if not exists staging.production (
    production_key bigint not null,
    article_key bigint not null,
    ordinal integer not null,
    extractor_version varchar not null,
    -- who
    actor_key bigint,
    actor_name varchar,
    actor_type varchar,
    actor_country_code varchar,
    -- weapon
    weapon_key bigint,
    weapon_name varchar,
    weapon_category varchar,
    weapon_subcategory varchar,
    weapon_model varchar,
    -- figures
    quantity double,
    qualifier varchar,
    period varchar,
    target_year integer,
    cost_usd double,
    -- evidence
    evidence varchar,
    evidence_start integer,
    evidence_end integer
);
