-- Hold back the fact rows this run's row-level checks quarantined.
delete from fact_strike
where strike_key in (
    select row_key from work.audit.quarantine
    where run_id = $run_id and table_name = 'fact_strike'
);

delete from fact_casualty
where casualty_key in (
    select row_key from work.audit.quarantine
    where run_id = $run_id and table_name = 'fact_casualty'
);

delete from fact_production
where production_key in (
    select row_key from work.audit.quarantine
    where run_id = $run_id and table_name = 'fact_production'
);

delete from fact_aid_pledge
where pledge_key in (
    select row_key from work.audit.quarantine
    where run_id = $run_id and table_name = 'fact_aid_pledge'
);
