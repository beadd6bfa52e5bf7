-- dim_weapon: the distinct weapon types of staged strikes and production figures.
create or replace table dim_weapon as
with
strike_weapons as (
    select
        weapon_key,
        weapon_name,
        weapon_category,
        weapon_subcategory,
        weapon_model,
    from work.staging.strike
),
production_weapons as (
    select
        weapon_key,
        weapon_name,
        weapon_category,
        weapon_subcategory,
        weapon_model,
    from work.staging.production
),
weapons as (
    select * from strike_weapons
    union
    select * from production_weapons
),
final as (
    select
        weapon_key,
        weapon_name as name,
        weapon_category as category,
        weapon_subcategory as subcategory,
        weapon_model as model,
    from weapons
    where weapon_key is not null
)
select * from final
order by weapon_key;
