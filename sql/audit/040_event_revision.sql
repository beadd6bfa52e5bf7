-- Every change to a published event, appended by the run that published it: the history
-- behind the published `event_revision` table. Rows of runs that never published (blocked,
-- failed, interrupted) are ignored when it is read, so a killed run cannot leave a false entry.
create schema if not exists audit;

create table if not exists audit.event_revision (
    run_id varchar not null,
    recorded_at timestamp not null,
    event_key bigint not null,
    change varchar not null,  -- new, revised, withdrawn, reinstated
    changed_columns varchar,
    kind varchar,
    event_date_key integer,
    date_precision varchar,
    location_key bigint,
    actor_key bigint,
    weapon_key bigint,
    cause varchar,
    currency varchar,
    best double,
    low double,
    high double,
    best_qualifier varchar,
    best_intercepted bigint,
    best_injured bigint,
    n_articles integer,
    n_sources integer
);
