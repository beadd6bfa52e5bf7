-- Rejects by reason.
select
    reason,
    count(*) as n,
from rejects
group by reason
order by n desc, reason;
