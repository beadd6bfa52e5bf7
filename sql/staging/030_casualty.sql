-- One row per casualty fact (the reported toll of one incident), flattened.
create schema if not exists staging;

create table if not exists staging.casualty (
    casualty_key bigint not null,
    article_key bigint not null,
    ordinal integer not null,
    extractor_version varchar not null,
    -- figures
    cause varchar,
    killed double,
    injured double,
    children_killed double,
    children_injured double,
    qualifier varchar,
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
    perpetrator_actor_key bigint,
    perpetrator_name varchar,
    perpetrator_type varchar,
    perpetrator_country_code varchar,
    -- evidence
    evidence varchar,
    evidence_start integer,
    evidence_end integer
);
