-- Results that are pure functions of their inputs, kept so a run does not compute them again
-- for rows it has seen before. Each row names the version of the rules that made it (a hash
-- of the rules' source); rows of other versions are ignored and replaced.
create schema if not exists cache;

-- the agency an article's text credits (sql/events/005_article_credit.sql), by article
create table if not exists cache.article_credit (
    article_key bigint not null,
    credit varchar,
    rules varchar not null
);

-- the last grouping of fact rows into events (flows/events.py): every mention as resolution
-- compared it, and its event. A run regroups only the mentions whose day ranges touch a
-- mention that is new, changed or gone since; the others keep their event.
create table if not exists cache.event_grouping (
    fact_table varchar not null,
    fact_key bigint not null,
    kind varchar,
    article_key bigint,
    published_at timestamp,
    ingested_at timestamp,
    event_date date,
    date_precision varchar,
    date_from date,
    date_to date,
    location_key bigint,
    location_type varchar,
    admin1 varchar,
    place_stem varchar,
    place_rank integer,
    actor_key bigint,
    weapon_category varchar,
    weapon_subcategory varchar,
    weapon_model varchar,
    weapon_rank integer,
    cause varchar,
    figure double,
    second_figure double,
    currency varchar,
    period varchar,
    target_year integer,
    recipient varchar,
    event_key bigint not null,
    rules varchar not null
);
