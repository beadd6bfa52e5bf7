-- dim_location: the distinct places of staged strikes and casualties. The key derives from
-- the canonical attributes (name, type, admin1, country), so it is stable across runs.
create or replace table dim_location as
with
strike_places as (
    select
        location_key,
        location_name,
        location_type,
        admin1,
        country_code,
        latitude,
        longitude,
        geonames_id,
    from work.staging.strike
    where location_key is not null
),
casualty_places as (
    select
        location_key,
        location_name,
        location_type,
        admin1,
        country_code,
        latitude,
        longitude,
        geonames_id,
    from work.staging.casualty
    where location_key is not null
),
places as (
    select * from strike_places
    union all
    select * from casualty_places
),
final as (
    select
        location_key,
        location_name as name,
        location_type,
        admin1,
        country_code,
        min(latitude) as latitude,
        min(longitude) as longitude,
        min(geonames_id) as geonames_id,
    from places
    group by location_key, location_name, location_type, admin1, country_code
)
select * from final
order by location_key;
