-- How many new landing files the last finished run read. Runs of a schedule look like the
-- ones before them, so a run that follows a big one starts its worker processes at once,
-- while it is still looking through the landing folder (flows/pipeline.py).
select
    coalesce(try_cast(json_extract_string(summary_json, '$.files_new') as bigint), 0)
        as files_new,
from audit.run_log
where status in ('published', 'blocked')
    and summary_json is not null
order by started_at desc
limit 1;
