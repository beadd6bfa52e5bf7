-- fact_production: one stated production figure or plan.
create or replace table fact_production as
with
production as (
    select * from work.staging.production
),
final as (
    select
        production_key,
        article_key,
        actor_key,
        weapon_key,
        try_cast(quantity as bigint) as quantity,
        qualifier,
        period,
        target_year,
        cost_usd,
        evidence,
        evidence_start,
        evidence_end,
        extractor_version,
    from production
)
select * from final
order by production_key;
