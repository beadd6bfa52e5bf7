-- event_change (scratch): this run's changes to the published events, against the latest
-- entry of each event among runs that published (audit.event_revision): events that are new,
-- whose published columns changed, that no longer exist (withdrawn: their reports were
-- quarantined or re-read differently), or that came back. Appended to the history by
-- 070_record_revisions.sql once the event checks pass.
--
-- event_check_scope (scratch): the events the event suites check row by row: those new,
-- revised or reinstated here, and those holding a report that was grouped again
-- (event_island.is_dirty); all of them when $full_checks is true (SITREP_FULL_CHECKS=1).
-- The other events were checked by the run that last changed them; keys, links and
-- references are still counted over the whole tables (sql/checks/event_integrity.sql).
create or replace temp table event_change as
with
runs as (
    select
        run_id,
        status,
        started_at,
    from work.audit.run_log
),
history as (
    select
        revisions.*,
        runs.started_at,
    from work.audit.event_revision as revisions
    join runs using (run_id)
    where runs.status = 'published'
),
latest as (
    select * from history
    qualify row_number() over (
        partition by event_key order by recorded_at desc, started_at desc
    ) = 1
),
candidate as (
    select
        event_key,
        kind,
        event_date_key,
        date_precision,
        location_key,
        actor_key,
        weapon_key,
        cause,
        currency,
        best,
        low,
        high,
        best_qualifier,
        best_intercepted,
        best_injured,
        n_articles,
        n_sources,
    from fact_event
),
changed as (
    select
        coalesce(c.event_key, l.event_key) as event_key,
        case
            when l.event_key is null then 'new'
            when c.event_key is null then 'withdrawn'
            when l.change = 'withdrawn' then 'reinstated'
            else 'revised'
        end as change,
        concat_ws(', ',
            case when c.kind is distinct from l.kind then 'kind' end,
            case when c.event_date_key is distinct from l.event_date_key
                then 'event_date_key' end,
            case when c.date_precision is distinct from l.date_precision
                then 'date_precision' end,
            case when c.location_key is distinct from l.location_key then 'location_key' end,
            case when c.actor_key is distinct from l.actor_key then 'actor_key' end,
            case when c.weapon_key is distinct from l.weapon_key then 'weapon_key' end,
            case when c.cause is distinct from l.cause then 'cause' end,
            case when c.currency is distinct from l.currency then 'currency' end,
            case when c.best is distinct from l.best then 'best' end,
            case when c.low is distinct from l.low then 'low' end,
            case when c.high is distinct from l.high then 'high' end,
            case when c.best_qualifier is distinct from l.best_qualifier
                then 'best_qualifier' end,
            case when c.best_intercepted is distinct from l.best_intercepted
                then 'best_intercepted' end,
            case when c.best_injured is distinct from l.best_injured then 'best_injured' end,
            case when c.n_articles is distinct from l.n_articles then 'n_articles' end,
            case when c.n_sources is distinct from l.n_sources then 'n_sources' end
        ) as changed_columns,
        coalesce(c.kind, l.kind) as kind,
        c.event_date_key,
        c.date_precision,
        c.location_key,
        c.actor_key,
        c.weapon_key,
        c.cause,
        c.currency,
        c.best,
        c.low,
        c.high,
        c.best_qualifier,
        c.best_intercepted,
        c.best_injured,
        c.n_articles,
        c.n_sources,
    from candidate as c
    full outer join latest as l using (event_key)
    where l.event_key is null
        or (c.event_key is null and l.change <> 'withdrawn')
        or (c.event_key is not null and l.change = 'withdrawn')
        or (c.event_key is not null and (
            c.kind is distinct from l.kind
            or c.event_date_key is distinct from l.event_date_key
            or c.date_precision is distinct from l.date_precision
            or c.location_key is distinct from l.location_key
            or c.actor_key is distinct from l.actor_key
            or c.weapon_key is distinct from l.weapon_key
            or c.cause is distinct from l.cause
            or c.currency is distinct from l.currency
            or c.best is distinct from l.best
            or c.low is distinct from l.low
            or c.high is distinct from l.high
            or c.best_qualifier is distinct from l.best_qualifier
            or c.best_intercepted is distinct from l.best_intercepted
            or c.best_injured is distinct from l.best_injured
            or c.n_articles is distinct from l.n_articles
            or c.n_sources is distinct from l.n_sources
        ))
)
select * from changed;

create or replace temp table event_check_scope as
select event_key from fact_event
where $full_checks
union
select event_key from event_change
where change <> 'withdrawn'
union
select members.event_key
from event_member as members
join event_island as islands using (fact_table, fact_key)
where islands.is_dirty;

-- published_fact (scratch): every published fact row's table and key, for the event frames
-- (sql/checks/bridge_event_fact.sql, sql/checks/event_integrity.sql)
create or replace temp view published_fact as
select 'fact_strike' as fact_table, strike_key as fact_key from fact_strike
union all
select 'fact_casualty' as fact_table, casualty_key as fact_key from fact_casualty
union all
select 'fact_production' as fact_table, production_key as fact_key from fact_production
union all
select 'fact_aid_pledge' as fact_table, pledge_key as fact_key from fact_aid_pledge;
