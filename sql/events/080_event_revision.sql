-- event_revision: what was published for each event, and when it changed. One row per
-- published state of an event, valid from the run that published it until the next change
-- (valid_to null: still published). "What did we publish on date D":
--   where valid_from <= D and (valid_to is null or valid_to > D) and change <> 'withdrawn'
create or replace table event_revision as
with
runs as (
    select
        run_id,
        status,
        started_at,
    from work.audit.run_log
),
revisions as (
    select
        revisions.*,
        runs.started_at,
    from work.audit.event_revision as revisions
    join runs using (run_id)
    where runs.status = 'published'
        or revisions.run_id = $run_id
),
final as (
    select
        event_key,
        recorded_at as valid_from,
        lead(recorded_at) over (
            partition by event_key order by recorded_at, started_at
        ) as valid_to,
        change,
        changed_columns,
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
        run_id,
    from revisions
)
select * from final
order by event_key, valid_from;
