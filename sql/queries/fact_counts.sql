-- Rows per fact table of the published (or candidate) file.
select 'fact_strike' as table_name, count(*) as row_count from fact_strike
union all
select 'fact_casualty' as table_name, count(*) as row_count from fact_casualty
union all
select 'fact_production' as table_name, count(*) as row_count from fact_production
union all
select 'fact_aid_pledge' as table_name, count(*) as row_count from fact_aid_pledge;
