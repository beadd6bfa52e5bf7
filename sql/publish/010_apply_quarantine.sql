-- Hold back the fact rows under quarantine now (sql/validate/020_current_quarantine.sql):
-- this run's row-level decisions and those of earlier runs on rows not checked again.
delete from fact_strike
where strike_key in (
    select row_key from current_quarantine
    where table_name = 'fact_strike'
);

delete from fact_casualty
where casualty_key in (
    select row_key from current_quarantine
    where table_name = 'fact_casualty'
);

delete from fact_production
where production_key in (
    select row_key from current_quarantine
    where table_name = 'fact_production'
);

delete from fact_aid_pledge
where pledge_key in (
    select row_key from current_quarantine
    where table_name = 'fact_aid_pledge'
);
