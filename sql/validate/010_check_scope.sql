-- The articles whose fact rows this run checks: those whose current extraction no published
-- run has checked yet (all of them when $full_checks is true, e.g. SITREP_FULL_CHECKS=1).
create or replace temp table check_scope as
with
extractions as (
    select article_key, run_id
    from work.staging.article_extraction
),
checked as (
    select article_key, extracted_run_id
    from work.audit.checked_article
)
select extractions.article_key
from extractions
left join checked
    on checked.article_key = extractions.article_key
    and checked.extracted_run_id = extractions.run_id
where $full_checks or checked.article_key is null;
