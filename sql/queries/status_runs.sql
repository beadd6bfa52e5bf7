-- The last published run, and how many runs ended in each state.
with
runs as (
    select * from publish_log
),
last_published as (
    select
        run_id,
        coalesce(finished_at, started_at) as published_at,
        extractor_version,
    from runs
    where status = 'published'
    order by started_at desc
    limit 1
),
by_status as (
    select
        status,
        count(*) as n,
    from runs
    group by status
)
select
    'last' as kind,
    run_id as name,
    cast(published_at as varchar) as value,
    extractor_version as extra,
from last_published
union all
select
    'status' as kind,
    status as name,
    cast(n as varchar) as value,
    null as extra,
from by_status
order by kind, name;
