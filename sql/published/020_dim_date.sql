-- dim_date: every date a fact refers to, and every publication date.
create or replace table dim_date as
with
referenced as (
    select event_date as date from work.staging.strike
    union
    select event_date as date from work.staging.casualty
    union
    select event_date as date from work.staging.aid_pledge
    union
    select cast(published_at as date) as date from work.raw.article
),
dates as (
    select distinct date
    from referenced
    where date is not null
),
final as (
    select
        cast(strftime(date, '%Y%m%d') as integer) as date_key,
        date,
        year(date) as year,
        quarter(date) as quarter,
        month(date) as month,
        day(date) as day,
        isoyear(date) as iso_year,
        week(date) as iso_week,
        isodow(date) as day_of_week,  -- 1 = Monday ... 7 = Sunday
        dayname(date) as day_name,
    from dates
)
select * from final
order by date_key;
