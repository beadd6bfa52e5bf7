-- fact_strike: one row per weapon type in one reported attack.
create or replace table fact_strike as
with
strikes as (
    select * from work.staging.strike
),
final as (
    select
        strike_key,
        article_key,
        cast(strftime(event_date, '%Y%m%d') as integer) as event_date_key,
        date_precision,
        location_key,
        attacker_actor_key,
        weapon_key,
        -- counts as read are checked to be whole before publishing (see sql/checks)
        try_cast(launched as bigint) as launched,
        launched_qualifier,
        try_cast(intercepted as bigint) as intercepted,
        intercepted_qualifier,
        evidence,
        evidence_start,
        evidence_end,
        extractor_version,
    from strikes
)
select * from final
order by strike_key;
