-- quarantine: fact rows held back from this published version, with check and evidence
-- (run_id is the run whose checks held the row back).
create or replace table quarantine as
with
quarantined as (
    select * from current_quarantine
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
