-- fact_casualty: the reported toll of one incident.
create or replace table fact_casualty as
with
casualties as (
    select * from work.staging.casualty
),
final as (
    select
        casualty_key,
        article_key,
        cast(strftime(event_date, '%Y%m%d') as integer) as event_date_key,
        date_precision,
        location_key,
        perpetrator_actor_key,
        cause,
        try_cast(killed as bigint) as killed,
        try_cast(injured as bigint) as injured,
        try_cast(children_killed as bigint) as children_killed,
        try_cast(children_injured as bigint) as children_injured,
        qualifier,
        evidence,
        evidence_start,
        evidence_end,
        extractor_version,
    from casualties
)
select * from final
order by casualty_key;
