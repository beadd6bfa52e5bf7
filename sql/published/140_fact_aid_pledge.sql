-- fact_aid_pledge: one pledge of money or materiel.
create or replace table fact_aid_pledge as
with
pledges as (
    select * from work.staging.aid_pledge
),
final as (
    select
        pledge_key,
        article_key,
        donor_actor_key,
        recipient,
        recipient_actor_key,
        amount,
        currency,
        amount_usd,
        purpose,
        cast(strftime(event_date, '%Y%m%d') as integer) as event_date_key,
        date_precision,
        evidence,
        evidence_start,
        evidence_end,
        extractor_version,
    from pledges
)
select * from final
order by pledge_key;
