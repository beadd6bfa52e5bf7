-- quarantine_examples: a few held-back rows per check, with the values that failed and the
-- sentence they were read from.
with
quarantined as (
    select
        *,
        row_number() over (
            partition by table_name, check_name order by row_key
        ) as n,
    from quarantine
)
select
    table_name,
    check_name,
    offending_values,
    evidence,
from quarantined
where n <= $per_check
order by table_name, check_name, n;
