-- dim_actor: every attacker, perpetrator, producer, donor and recipient that was named.
create or replace table dim_actor as
with
attackers as (
    select
        attacker_actor_key as actor_key,
        attacker_name as name,
        attacker_type as actor_type,
        attacker_country_code as country_code,
    from work.staging.strike
),
perpetrators as (
    select
        perpetrator_actor_key as actor_key,
        perpetrator_name as name,
        perpetrator_type as actor_type,
        perpetrator_country_code as country_code,
    from work.staging.casualty
),
producers as (
    select
        actor_key,
        actor_name as name,
        actor_type,
        actor_country_code as country_code,
    from work.staging.production
),
donors as (
    select
        donor_actor_key as actor_key,
        donor_name as name,
        donor_type as actor_type,
        donor_country_code as country_code,
    from work.staging.aid_pledge
),
recipients as (
    select
        recipient_actor_key as actor_key,
        recipient_name as name,
        recipient_type as actor_type,
        recipient_country_code as country_code,
    from work.staging.aid_pledge
),
actors as (
    select * from attackers
    union
    select * from perpetrators
    union
    select * from producers
    union
    select * from donors
    union
    select * from recipients
),
final as (
    select *
    from actors
    where actor_key is not null
)
select * from final
order by actor_key;
