-- Quarantined fact rows of the published version, by table and check.
select
    table_name || '.' || check_name as check_name,
    count(*) as n,
from quarantine
group by all
order by n desc, check_name;
