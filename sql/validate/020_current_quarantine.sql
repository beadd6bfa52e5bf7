-- Fact rows held back now: this run's row-level decisions on the rows it checked, and the
-- decisions of earlier published runs on articles not extracted again since.
create or replace temp table current_quarantine as
with
this_run as (
    select * from work.audit.quarantine
    where run_id = $run_id
),
earlier as (
    select quarantine.*
    from work.audit.quarantine as quarantine
    inner join work.audit.checked_article as checked
        on checked.article_key = quarantine.article_key
        and checked.checked_run_id = quarantine.run_id
    where quarantine.article_key not in (select article_key from check_scope)
)
select * from this_run
union all
select * from earlier;
