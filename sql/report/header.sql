-- header: what the published file covers, for the top of the report. The period is the span
-- of the dated events; undated events (period totals, production plans) are counted apart.
with
events as (
    select * from v_events
),
articles as (
    select * from dim_article
),
last_publish as (
    select * from publish_log
    where status = 'published'
    order by started_at desc
    limit 1
),
fact_rows as (
    select count(*) as n from fact_strike
    union all
    select count(*) from fact_casualty
    union all
    select count(*) from fact_production
    union all
    select count(*) from fact_aid_pledge
)
select
    (select min(event_date) from events) as first_event_date,
    (select max(event_date) from events) as last_event_date,
    (select count(*) from events where event_date is null) as undated_events,
    (select count(*) from events) as events,
    (select count(*) from articles) as articles,
    (select cast(min(published_at) as date) from articles) as first_published,
    (select cast(max(published_at) as date) from articles) as last_published,
    (select cast(sum(n) as bigint) from fact_rows) as facts,
    (select count(*) from rejects) as rejects,
    (select coalesce(finished_at, started_at) from last_publish) as published_at,
    (select run_id from last_publish) as run_id,
    (select extractor_version from last_publish) as extractor_version;
