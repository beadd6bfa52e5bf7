-- quarantine: fact rows held back from this published version, with check and evidence.
create or replace table quarantine as
with
quarantined as (
    select * from work.audit.quarantine
    where run_id = $run_id
)
select
    table_name,
    check_name,
    row_key,
    article_key,
    article_id,
    offending_values,
    evidence,
    run_id,
    quarantined_at,
from quarantined
order by table_name, check_name, row_key;
